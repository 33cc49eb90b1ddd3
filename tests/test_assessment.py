"""考核: a year's scheme for three cities, worked out by hand — 完成率 and rank scoring, a bonus and
a penalty, places and their change, a finalised month unchanged by a later correction."""
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from docx import Document

from app.assessment import services
from app.extensions import db
from app.models import Activity, AssessmentResult, OrgUnit, Project, StageEvent, Target, User
from app.models.enums import ReviewStatus, Role, Stage, UnitKind
from app.projects.stages import derive
from tests import helpers

FEB, MAR = date(2026, 2, 1), date(2026, 3, 1)


def signed(unit_id: int, day: date) -> None:
    """A project whose signing on ``day`` is approved."""
    project = helpers.make_project(unit_id)
    for stage, on in ((Stage.NEGOTIATING, date(2026, 1, 2)), (Stage.SIGNED, day)):
        db.session.add(StageEvent(project=project, stage=stage, effective_on=on, review_status=ReviewStatus.APPROVED))
    db.session.flush()
    derive(project, project.stage_events)


def visits(unit_id: int, *days: date) -> None:
    db.session.add_all(Activity(kind="visit", occurred_on=day, unit_id=unit_id) for day in days)


@pytest.fixture
def three(app, world):
    """甲市 (target 3 signings: the world's, signed 1 February, and one on 10 March; the world's visit
    of 1 March), 乙市 (target 2: 20 January, 5 March; three visits in February), 丙市 (target 5:
    15 February; two visits in February). Signings 60 (完成率, capped at 120 %), visits 40 (by place)."""
    with app.app_context():
        root = db.session.get(OrgUnit, world.root_unit_id)
        city_c = helpers.make_unit("C", "丙市", UnitKind.CITY, root)
        admin = helpers.make_user(Role.ADMIN, world.root_unit_id, username="province_admin")
        db.session.add_all([Target(year=2026, unit_id=world.b_unit_id, indicator="signed_count", value=Decimal(2)),
                            Target(year=2026, unit_id=city_c.id, indicator="signed_count", value=Decimal(5))])
        signed(world.a_zone_unit_id, date(2026, 3, 10))
        signed(world.b_unit_id, date(2026, 1, 20))
        signed(world.b_unit_id, date(2026, 3, 5))
        signed(city_c.id, date(2026, 2, 15))
        visits(world.b_unit_id, date(2026, 2, 3), date(2026, 2, 4), date(2026, 2, 5))
        visits(city_c.id, date(2026, 2, 6), date(2026, 2, 7))
        scheme = services.save_scheme(admin, {"unit_id": world.root_unit_id, "year": 2026, "name": "全省招商考核"}, [
            {"indicator": "signed_count", "weight": Decimal(60), "method": "rate", "cap": Decimal("1.2")},
            {"indicator": "activities", "weight": Decimal(40), "method": "rank"}])
        services.add_adjustment(admin, scheme, {"unit_id": world.b_unit_id, "month": FEB, "points": Decimal(-3),
                                                "reason": "数据报送不实"})
        services.add_adjustment(admin, scheme, {"unit_id": world.a_unit_id, "month": MAR, "points": Decimal(5),
                                                "reason": "承办全省推介会"})
        db.session.commit()
        return scheme.id, city_c.id


def table(ranking):
    return [(line.unit_name, line.total, line.rank, line.change) for line in ranking.lines]


def test_scores_places_and_change_worked_by_hand(app, world, three):
    scheme_id, _ = three
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "province_admin"))
        scheme = db.session.get(services.AssessmentScheme, scheme_id)
        # January: 签约 乙 1/2 → 30.00, none else; no visits, all first → 40 each: 乙 70, 甲 and 丙 40 share second.
        # February: 签约 甲 1/3 → 20.00, 乙 1/2 → 30.00, 丙 1/5 → 12.00; visits 乙 3, 丙 2, 甲 0 → 40, 26.67, 13.33; 乙 −3
        assert table(services.ranking(admin, scheme, FEB)) == [
            ("乙市", Decimal("67.00"), 1, 0), ("丙市", Decimal("38.67"), 2, 0), ("甲市", Decimal("33.33"), 3, -1)]
        # March: 甲 2/3 → 40.00 + 13.33 + 5; 乙 2/2 → 60.00 + 40 − 3; 丙 unchanged. 甲 rises one place, 丙 falls one.
        march = services.ranking(admin, scheme, MAR)
        assert table(march) == [("乙市", Decimal("97.00"), 1, 0), ("甲市", Decimal("58.33"), 2, 1),
                                ("丙市", Decimal("38.67"), 3, -1)]
        first = march.lines[0].cells
        assert (first[0].value, first[0].target, first[0].completion, first[0].score) == (
            Decimal(2), Decimal(2), Decimal(1), Decimal("60.00"))
        assert services.summary(march)[0] == "2026年1—3月综合得分前三的是乙市（97.00分）、甲市（58.33分）、丙市（38.67分）。"


def test_a_finalised_month_stays_as_it_was_and_its_correction_shows_next_month(app, world, three):
    scheme_id, city_c = three
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "province_admin"))
        scheme = db.session.get(services.AssessmentScheme, scheme_id)
        services.freeze(admin, scheme, FEB, date(2026, 3, 2))
        with pytest.raises(services.AssessmentError, match="已定稿"):
            services.freeze(admin, scheme, FEB, date(2026, 3, 2))
        with pytest.raises(services.AssessmentError, match="加减分请计入以后的月份"):
            services.add_adjustment(admin, scheme, {"unit_id": city_c, "month": FEB, "points": Decimal(1), "reason": "x"})
        signed(city_c, date(2026, 2, 20))  # a February signing entered after February was finalised
        db.session.commit()
        february = services.ranking(admin, scheme, FEB)
        assert february.frozen_at is not None and table(february)[1] == ("丙市", Decimal("38.67"), 2, 0)
        march = services.ranking(admin, scheme, MAR)  # 丙 2/5 → 24.00 + 26.67
        assert table(march) == [("乙市", Decimal("97.00"), 1, 0), ("甲市", Decimal("58.33"), 2, 1),
                                ("丙市", Decimal("50.67"), 3, -1)]
        assert [line.correction for line in march.lines] == [None, None, Decimal("12.00")]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentResult)) == 3


def test_a_bad_scheme_writes_nothing(app, world):
    with app.app_context():
        admin = helpers.make_user(Role.ADMIN, world.root_unit_id)
        base = {"unit_id": world.root_unit_id, "year": 2026, "name": "考核"}
        for items, message in [
            ([{"indicator": "signed_count", "weight": Decimal(60), "method": "rate"}], "合计应为 100，现为 60"),
            ([{"indicator": "activities", "weight": Decimal(100), "method": "rate"}], "只能按排名计分"),
            ([{"indicator": "events", "weight": Decimal(50), "method": "rank"},
              {"indicator": "events", "weight": Decimal(50), "method": "rank"}], "只能设置一次"),
            ([{"indicator": "funds_wan", "weight": Decimal(100), "method": "rate", "cap": Decimal(3)}], "封顶")]:
            with pytest.raises(services.AssessmentError, match=message):
                services.save_scheme(admin, base, items)
        db.session.rollback()
        with pytest.raises(services.AssessmentError, match="只有系统管理员"):
            services.save_scheme(helpers.make_user(Role.MANAGER, world.root_unit_id), base, [])
        assert db.session.scalar(sa.select(sa.func.count()).select_from(services.AssessmentScheme)) == 1  # the world's


def test_the_ranking_page_drills_down_exports_and_prints_the_notice(app, client, world, three, login):
    scheme_id, _ = three
    client.post("/auth/login", data={"username": "province_admin", "password": helpers.PASSWORD})
    page = client.get(f"/assessment/{scheme_id}?month=2026-03").get_data(as_text=True)
    assert "综合得分前三的是乙市（97.00分）" in page and 'data-testid="ranking-chart"' in page
    link = f"/activities/?unit_id={world.b_unit_id}&amp;date_from=2026-01-01&amp;date_to=2026-03-31"
    assert link in page  # 乙市's three visits, the list it drills to
    listed = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert '<span data-testid="list-total">3</span>' in listed
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/assessment/{scheme_id}/ranking.xlsx?month=2026-03").data))
    rows = list(book["考核排名"].iter_rows(values_only=True))
    assert [r[:6] for r in rows if r[1] in ("乙市", "甲市", "丙市")] == [
        (1, "乙市", 97, "持平", 60, 40), (2, "甲市", 58.33, "↑1", 40, 13.33), (3, "丙市", 38.67, "↓1", 12, 26.67)]
    details = [r for r in book["指标明细"].iter_rows(values_only=True) if r[0] == "甲市"]
    assert details == [("甲市", "签约项目数", 2, 3, pytest.approx(2 / 3), 60, 40), ("甲市", "对接次数", 1, None, "无目标", 40, 13.33)]
    notice = Document(io.BytesIO(client.get(f"/assessment/{scheme_id}/notice.docx?month=2026-03").data))
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "测试省2026年3月招商引资工作考核通报" in text and "综合得分前三的是乙市（97.00分）" in text
    assert "甲市加5.00分：承办全省推介会" in text
    assert client.post(f"/assessment/{scheme_id}/freeze?month=2026-03").status_code == 302
    assert "已定稿" in client.get(f"/assessment/{scheme_id}?month=2026-03").get_data(as_text=True)


def test_the_rates_count_on_time_closings_solved_problems_and_timely_entries(app, world):
    """督办按期办结率 40, 问题解决率 30, 数据报送及时率 30 (完成率 × weight), year to date by 31 March."""
    from datetime import UTC, datetime

    from app.models import ProjectProblem, Supervision

    with app.app_context():
        city_c = helpers.make_unit("C", "丙市", UnitKind.CITY, db.session.get(OrgUnit, world.root_unit_id))
        admin = helpers.make_user(Role.ADMIN, world.root_unit_id)
        a_project, c_project = db.session.get(Project, world.project_id), helpers.make_project(city_c.id)

        def order(unit, project, due, closed=None):
            db.session.add(Supervision(task="x", project_id=project.id, unit_id=unit, issuer_unit_id=world.root_unit_id,
                                       issued_on=date(2026, 1, 5), due_on=due, closed_on=closed,
                                       status="closed" if closed else "open"))

        def problem(unit, project, raised, closed=None):
            db.session.add(ProjectProblem(project=project, unit_id=unit, handler_unit_id=unit, kind="land", description="x",
                                          due_on=raised, raised_on=raised, closed_on=closed,
                                          status="closed" if closed else "open"))

        # 甲市: the world's 督办 (due 15 March, open) and two more: on time, late → 1 of 3
        order(world.a_unit_id, a_project, date(2026, 2, 10), date(2026, 2, 9))
        order(world.a_unit_id, a_project, date(2026, 2, 20), date(2026, 2, 25))
        # the world's problem (raised 1 March, open) and two more, one closed → 1 of 3
        problem(world.a_unit_id, a_project, date(2026, 2, 1), date(2026, 2, 15))
        problem(world.a_unit_id, a_project, date(2026, 2, 2))
        # 甲市's stage moves and fund entry were entered today, months after: 0 of 3 on time
        b_project = helpers.make_project(world.b_unit_id)
        db.session.add(StageEvent(project=b_project, stage=Stage.SIGNED, effective_on=date(2026, 3, 5),
                                  review_status=ReviewStatus.APPROVED, recorded_at=datetime(2026, 4, 4, 15, tzinfo=UTC)))
        order(city_c.id, c_project, date(2026, 3, 1))  # 丙市: late and open → 0 of 1
        problem(city_c.id, c_project, date(2026, 3, 3), date(2026, 3, 20))
        scheme = services.save_scheme(admin, {"unit_id": world.root_unit_id, "year": 2026, "name": "比率考核"}, [
            {"indicator": "supervision_on_time", "weight": Decimal(40), "method": "rate"},
            {"indicator": "problems_solved", "weight": Decimal(30), "method": "rate"},
            {"indicator": "reporting_timely", "weight": Decimal(30), "method": "rate"}])
        march = services.ranking(admin, scheme, MAR)
        assert [(line.unit_name, [c.parts for c in line.cells], line.total) for line in march.lines] == [
            # 乙市: nothing due, nothing raised: 100 %; its 5 March signing entered 4 April 23:00 Beijing — by the 5th
            ("乙市", [None, None, (1, 1)], Decimal("100.00")),
            ("丙市", [(0, 1), (1, 1), None], Decimal("60.00")),
            ("甲市", [(1, 3), (1, 3), (0, 3)], Decimal("23.33"))]
