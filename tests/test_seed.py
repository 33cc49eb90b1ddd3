"""`flask seed demo` carries the facts of the Shanxi plan; `flask seed synthetic` is deterministic."""
import json
from types import SimpleNamespace

import sqlalchemy as sa

from app import audit_partitions, audit_trail
from app.activities.services import refresh_last_contacted
from app.auth.scope import unit_subtree
from app.extensions import db
from app.models import (
    Activity,
    AuditLog,
    CapacityItem,
    CapacityRevision,
    Chain,
    ChainNode,
    Enterprise,
    EnterpriseNode,
    EnterpriseTag,
    OrgUnit,
    Park,
    Project,
    StageEvent,
    Target,
    User,
    activity_enterprise,
    park_chain,
)
from app.models.enums import Role, Segment, Stage
from app.projects.services import refresh_facts
from app.projects.stages import derive
from app.seed.demo import CITIES, PARKS
from app.seed.synthetic import REACHED_COLUMNS
from app.standards import uscc_error

NAMED_PARKS = {"大同经济技术开发区", "怀仁经济技术开发区", "榆次医药园", "太谷医药园", "亚宝工业园", "盐湖工业园",
               "康宝医药园", "屯留康庄医药工业园", "风陵渡经开区", "祁县经济开发区"}
NAMED_FIRMS = ["汾酒集团", "汾阳王酒业", "宗酒酒业", "平遥牛肉集团", "六味斋", "古城乳业", "太原蒙牛", "晋中伊利",
               "国药威奇达", "仟源医药", "广誉远", "亚宝药业", "振东制药", "晋城海斯", "山西建投麻纺织科技有限公司"]
CLUSTERS = {"白酒", "食醋", "肉制品", "乳制品", "小杂粮", "晋北原料药及制剂", "晋中中成药", "晋南新特药", "日用陶瓷",
            "日用玻璃", "丝麻纺织"}


def counts():
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (OrgUnit, User, Park, Chain, ChainNode, Enterprise, Project, StageEvent, Target, AuditLog)}


def test_demo_has_the_shanxi_facts_and_a_second_run_changes_nothing(app, runner):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0 and "已载入演示数据" in result.output
    assert "admin / Zhaoshang@2026" in result.output
    with app.app_context():
        root = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
        assert root.name == "山西省"
        cities = set(db.session.scalars(sa.select(OrgUnit.name).where(OrgUnit.parent_id == root.id,
                                                                      OrgUnit.kind == "city")))
        assert cities == {name for _code, name in CITIES} and len(cities) == 11
        assert set(db.session.scalars(sa.select(Park.name))) == NAMED_PARKS == {p[1] for p in PARKS}
        assert set(db.session.scalars(sa.select(Chain.name))) == CLUSTERS
        # 主导产业 as the plan places the clusters: 晋北原料药及制剂 in 大同 and 怀仁 …
        huairen = db.session.scalar(sa.select(Park).where(Park.name == "怀仁经济技术开发区"))
        assert [c.name for c in huairen.chains] == ["日用陶瓷", "晋北原料药及制剂"]
        for chain in db.session.scalars(sa.select(Chain)):
            assert {n.segment for n in chain.nodes} == set(Segment), chain.name
        firms = set(db.session.scalars(sa.select(Enterprise.name)))
        assert set(NAMED_FIRMS) <= firms
        codes = list(db.session.scalars(sa.select(Enterprise.uscc)))
        assert all(code and uscc_error(code) is None for code in codes)
        assert len(set(codes)) == len(codes)
        assert {u.role for u in db.session.scalars(sa.select(User))} == set(Role)
        park_admin = db.session.scalar(sa.select(User).where(User.role == Role.PARK_ADMIN))
        assert park_admin.park.name == "大同经济技术开发区"
        stages = dict(db.session.execute(sa.select(Project.stage, sa.func.count()).group_by(Project.stage)).all())
        assert all(stages.get(s, 0) >= 2 for s in (Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING))
        # Every project's stage is the last of its dated events, and the dates never go backwards.
        for project in db.session.scalars(sa.select(Project)):
            dates = [e.effective_on for e in project.stage_events]
            assert dates == sorted(dates) and project.stage_events[-1].stage == project.stage
        # Last contact dates come from the visit log.
        for enterprise_id, last in db.session.execute(
                sa.select(activity_enterprise.c.enterprise_id, sa.func.max(Activity.occurred_on))
                .join(Activity, Activity.id == activity_enterprise.c.activity_id)
                .group_by(activity_enterprise.c.enterprise_id)):
            assert db.session.get(Enterprise, enterprise_id).last_contacted_on == last
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise).where(
            Enterprise.last_contacted_on.is_not(None))) >= 12
        assert db.session.scalar(sa.select(Target.value).where(
            Target.year == 2025, Target.unit_id == root.id, Target.indicator == "funds_wan")) == 800000
        before = counts()
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and "演示数据已存在" in again.output
    with app.app_context():
        assert counts() == before


def synthetic_snapshot():
    return (
        list(db.session.execute(sa.select(Enterprise.name, Enterprise.uscc, Enterprise.unit_id)
                                .order_by(Enterprise.id).limit(50))),
        list(db.session.execute(sa.select(Project.name, Project.stage, Project.agreed_investment_wan)
                                .order_by(Project.id).limit(50))),
        db.session.scalar(sa.select(sa.func.sum(Project.agreed_investment_wan))),
    )


def schema_of(tables):
    inspector = sa.inspect(db.engine)
    return {t: (sorted(i["name"] for i in inspector.get_indexes(t)),
                sorted(k["name"] for k in inspector.get_foreign_keys(t)),
                inspector.get_pk_constraint(t)["constrained_columns"]) for t in tables}


def test_synthetic_is_deterministic_valid_and_sized(app, runner):
    args = ["seed", "synthetic", "--enterprises", "600", "--projects", "200", "--activities", "900",
            "--parks", "15", "--seed", "7", "--json"]
    loaded_in_bulk = ["enterprise", "contact", "project", "stage_event", "fund_entry", "activity", "activity_enterprise",
                      "figure_tally"]
    with app.app_context():
        schema = schema_of(loaded_in_bulk)
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    with app.app_context():  # the indexes and keys dropped for the load are all back
        assert schema_of(loaded_in_bulk) == schema and schema["enterprise"][0] and schema["activity"][1]
    stats = json.loads(result.output)
    with app.app_context():
        first = synthetic_snapshot()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Park)) == 15
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 900 + 15  # demo has 15
        codes = [c for c in db.session.scalars(sa.select(Enterprise.uscc)) if c]
        assert all(uscc_error(c) is None for c in codes) and len(codes) == len(set(codes))
        amounts = list(db.session.scalars(sa.select(Project.agreed_investment_wan)))
        assert min(amounts) >= 500 and max(amounts) <= 500000
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EnterpriseTag)) > 0
        # Stage dates in order per project.
        rows = db.session.execute(sa.select(StageEvent.project_id, StageEvent.effective_on)
                                  .order_by(StageEvent.project_id, StageEvent.id)).all()
        last = {}
        for project_id, day in rows:
            assert day >= last.get(project_id, day)
            last[project_id] = day
        assert stats["enterprises"] == 600
        # Synthetic parks have 主导产业 and a first revision of each item.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(park_chain)) > 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CapacityRevision)) == \
            db.session.scalar(sa.select(sa.func.count()).select_from(CapacityItem))
        # A chain of 200 nodes whose children keep their parent's segment, and enterprises on nodes.
        nodes = {n.id: n for n in db.session.scalars(sa.select(ChainNode).join(Chain).where(Chain.name == "合成产业链"))}
        assert len(nodes) == 200 and all(n.segment == nodes[n.parent_id].segment for n in nodes.values() if n.parent_id)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EnterpriseNode)) > 30
        # The stage columns written in bulk are what derive() makes of each project's events.
        events = {}
        for event in db.session.scalars(sa.select(StageEvent).order_by(StageEvent.id)):
            events.setdefault(event.project_id, []).append(event)
        columns = ["stage", "stage_on", *REACHED_COLUMNS]
        for project in db.session.scalars(sa.select(Project)):
            expected = SimpleNamespace()
            derive(expected, events.get(project.id, []))
            assert [getattr(project, c) for c in columns] == [getattr(expected, c) for c in columns], project.id
        # The facts written for every project at once are what each project's own refresh makes.
        facts = sa.select(Project.id, Project.last_activity_on, Project.follow_up_due_on, Project.funds_wan)
        every = db.session.execute(facts.order_by(Project.id)).all()
        assert any(row.funds_wan for row in every) and any(row.follow_up_due_on for row in every)
        refresh_facts(list(db.session.scalars(sa.select(Project.id))))
        assert db.session.execute(facts.order_by(Project.id)).all() == every
        # Each enterprise's last contact, written with it, is what the visit log makes of it.
        contacted = sa.select(Enterprise.id, Enterprise.last_contacted_on).order_by(Enterprise.id)
        seeded = db.session.execute(contacted).all()
        assert any(day for _, day in seeded) and any(day is None for _, day in seeded)
        refresh_last_contacted()
        assert db.session.execute(contacted).all() == seeded
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and "合成数据已存在" in refused.output
    # Same seed on an empty database gives the same rows.
    from tests.conftest import empty_database
    with app.app_context():
        db.session.remove()
        empty_database()
    assert runner.invoke(args=args).exit_code == 0
    with app.app_context():
        assert synthetic_snapshot() == first


def test_synthetic_users_and_audit_log_are_a_sealed_chain_in_their_months(app, runner):
    args = ["seed", "synthetic", "--enterprises", "50", "--projects", "20", "--activities", "30", "--parks", "3",
            "--users", "40", "--audit", "3000"]
    assert runner.invoke(args=args).exit_code == 0
    with app.app_context():
        made = User.username.regexp_match("^(officer|auditor)[0-9]+$")
        roles = dict(db.session.execute(sa.select(User.role, sa.func.count()).where(made).group_by(User.role)).all())
        audited = db.session.scalar(sa.select(sa.func.count()).where(OrgUnit.kind.in_(["city", "county"])))
        assert roles == {Role.OFFICER: 40, Role.AUDITOR: audited}  # an auditor in each city and county
        assert audit_trail.verify(db.session) == (db.session.scalar(sa.select(sa.func.count(AuditLog.id))), None)
        times = list(db.session.scalars(sa.select(AuditLog.at).order_by(AuditLog.seq)))
        assert times == sorted(times) and len(times) > 3000
        if audit_partitions.partitioned(db.session):  # every row in its month's partition
            assert db.session.scalar(sa.text(f"SELECT count(*) FROM {audit_partitions.DEFAULT}")) == 0
            assert len(audit_partitions.months(db.session)) >= 35


def test_national_scale_puts_the_demo_province_and_30_more_under_the_country(app, runner):
    args = ["seed", "synthetic", "--scale", "national", "--enterprises", "300", "--projects", "200",
            "--activities", "300", "--parks", "40", "--users", "100", "--json"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["provinces"] == 31
    with app.app_context():
        root = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
        assert (root.code, root.name, root.kind) == ("000000", "全国", "nation")
        assert db.session.scalar(sa.select(User.unit_id).where(User.username == "manager000000")) == root.id
        provinces = dict(db.session.execute(sa.select(OrgUnit.name, OrgUnit.kind).where(OrgUnit.parent_id == root.id)).all())
        assert len(provinces) == 31 and {"山西省", "北京市", "新疆维吾尔自治区"} <= set(provinces)
        assert set(provinces.values()) == {"province"}
        # every prefecture and county of GB/T 2260 once, under its province; the projects spread over them
        kinds = dict(db.session.execute(sa.select(OrgUnit.kind, sa.func.count()).group_by(OrgUnit.kind)).all())
        assert kinds["city"] > 300 and kinds["county"] > 2500
        shanxi = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == "140000"))
        in_shanxi = sa.select(sa.func.count()).select_from(Project).where(Project.unit_id.in_(unit_subtree(shanxi)))
        assert 0 < db.session.scalar(in_shanxi) < db.session.scalar(sa.select(sa.func.count()).select_from(Project)) / 2
