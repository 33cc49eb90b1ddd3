"""The figures kept per unit and month (app/tally.py): after every kind of change they equal
counting them again from the projects, and the dashboard read from them equals the indicators
counted over the projects in scope."""
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import tally
from app.activities.services import log_activity
from app.auth.scope import scoped
from app.dashboard import services as dashboard
from app.extensions import db
from app.models import Chain, ChainNode, FigureTally, FundEntry, Park, Project, StageEvent
from app.models.enums import ActivityKind, GapMark, ReviewStatus, Role, Segment, Stage
from app.projects import services, warnings
from app.projects.indicators import (
    Scope,
    chain_figures,
    funds_over,
    monthly_trend,
    rates,
    stage_figures_over,
    tier_counts,
)
from app.projects.stages import CURRENT
from tests import helpers
from tests.test_project_indicators import TODAY, fund, project

N, S, ST, P, T = Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING, Stage.TERMINATED


def kept_rows() -> dict:
    rows = db.session.execute(sa.select(FigureTally.unit_id, FigureTally.own, FigureTally.with_pending,
                                        FigureTally.measure, FigureTally.month, FigureTally.key_id,
                                        FigureTally.projects, FigureTally.amount_wan, FigureTally.big,
                                        FigureTally.usd_wan))
    return {tuple(row[:6]): tuple(row[6:]) for row in rows if row.projects}


def assert_kept_as_counted_again():
    db.session.commit()
    kept = kept_rows()
    assert kept, "nothing kept"
    tally.rebuild(db.session)
    assert kept == kept_rows()
    db.session.rollback()


@pytest.fixture
def people(app, world):
    with app.app_context():
        users = {"root": helpers.make_user(Role.MANAGER, world.root_unit_id),
                 "a": helpers.make_user(Role.MANAGER, world.a_unit_id),
                 "zone": helpers.make_user(Role.MANAGER, world.a_zone_unit_id),
                 "b": helpers.make_user(Role.MANAGER, world.b_unit_id),
                 "officer": helpers.make_user(Role.OFFICER, world.b_unit_id)}
        db.session.commit()
        yield users


def some_projects(world, people) -> dict[str, Project]:
    """Projects in three units, chains and parks, approved and pending moves, funds of every origin."""
    second = Chain(name="第二产业链", cluster="测试集群", unit_id=world.root_unit_id)
    db.session.add(ChainNode(chain=second, segment=Segment.DOWNSTREAM, name="应用", gap=GapMark.FILL))
    db.session.flush()
    other_node = second.nodes[0].id
    park_b = helpers.make_park(world.b_unit_id, "乙园区")
    made = {
        "zone": project(world, people["zone"], {N: date(2026, 1, 5), S: date(2026, 3, 10), ST: date(2026, 5, 2)},
                        agreed=20000, unit="a_zone_unit_id", chain_node_id=world.node_id, park_id=world.park_id),
        "a": project(world, people["a"], {N: date(2025, 10, 1), S: date(2025, 12, 15), ST: date(2026, 3, 3),
                                          P: date(2026, 11, 2)}, agreed=8000, unit="a_unit_id",
                     chain_node_id=other_node),
        "b": project(world, people["b"], {N: date(2026, 2, 1), S: date(2026, 11, 20), T: date(2026, 11, 22)},
                     agreed=5000, park_id=park_b.id, chain_node_id=world.node_id),
        "b2": project(world, people["b"], {N: date(2026, 11, 3)}, agreed=3000),
        "pending": project(world, people["officer"], {N: date(2026, 4, 1), S: date(2026, 11, 5)}, agreed=12000,
                           park_id=park_b.id),
    }
    fund(people["zone"], made["zone"], date(2026, 5, 1), 2000)
    fund(people["zone"], made["zone"], date(2026, 11, 1), 500, origin="local")
    services.save_fund(people["a"], made["a"], {"month": date(2026, 11, 1), "origin": "foreign",
                                                "amount_wan": Decimal(700), "amount_usd_wan": Decimal(100)},
                       today=TODAY)
    fund(people["officer"], made["pending"], date(2026, 11, 1), 300, origin="in_province")  # pending
    return made


def test_kept_figures_equal_counting_them_again_after_every_kind_of_change(app, world, people):
    with app.app_context():
        made = some_projects(world, people)
        tally.rebuild(db.session)  # today's warnings counted: kept from here on like the rest
        assert_kept_as_counted_again()
        assert any(measure.startswith("warning:") for _, _, _, measure, _, _ in kept_rows())

        project = db.session.get(Project, made["b2"].id)
        services.update_project(people["root"], project, {"unit_id": world.a_zone_unit_id,
                                                          "agreed_investment_wan": Decimal(15000)})
        assert_kept_as_counted_again()

        started = db.session.get(Project, made["zone"].id)  # what it commits of its park
        services.update_project(people["root"], started, {"land_mu": Decimal(30), "power_kva": Decimal(500)})
        assert_kept_as_counted_again()
        assert warnings.committed_by_park([world.park_id])[world.park_id]["land"] == 30

        pending = db.session.scalars(sa.select(StageEvent).where(StageEvent.project_id == made["pending"].id,
                                                                 StageEvent.review_status == ReviewStatus.PENDING))
        for event in pending:
            services.review(people["b"], event, approve=event.stage == N, opinion="日期有误")
        assert_kept_as_counted_again()

        entry = db.session.scalar(sa.select(FundEntry).where(FundEntry.project_id == made["zone"].id,
                                                             FundEntry.origin == "local"))
        db.session.delete(entry)
        assert_kept_as_counted_again()

        node = db.session.get(ChainNode, world.node_id)  # a node moved to another chain: counted all again
        node.chain_id = db.session.scalar(sa.select(Chain.id).where(Chain.name == "第二产业链"))
        assert_kept_as_counted_again()

        gone = db.session.get(Project, made["b"].id)
        for record in (*gone.stage_events, *db.session.scalars(sa.select(FundEntry).filter_by(project_id=gone.id))):
            db.session.delete(record)
        db.session.flush()
        db.session.delete(gone)
        assert_kept_as_counted_again()

        db.session.execute(sa.update(Project).values(agreed_investment_wan=Project.agreed_investment_wan + 1))
        assert_kept_as_counted_again()  # a bulk statement: counted all again

        talks = db.session.get(Project, made["b2"].id)  # 在谈: its investor's last contact counts
        talks.investor_id = world.enterprise_id
        db.session.commit()
        log_activity(people["root"], {"kind": ActivityKind.VISIT, "occurred_on": date.today(),
                                      "unit_id": world.a_unit_id, "summary": "拜访"}, [world.enterprise_id])
        assert_kept_as_counted_again()


def test_the_dashboard_read_from_kept_figures_equals_counting_the_projects(app, world, people):
    with app.app_context():
        some_projects(world, people)
        db.session.commit()
        year_start, month_start = date(2026, 1, 1), TODAY.replace(day=1)
        for who in ("root", "a", "zone", "b"):
            user = people[who]
            for pending in (False, True):
                scope = Scope(user, include_pending=pending)
                figures = dashboard._figures(user, pending, TODAY)
                month, year = stage_figures_over(scope, [(month_start, TODAY), (year_start, TODAY)])
                assert (figures["month"], figures["year"]) == (month, year), (who, pending)
                (big_month,), (big_year,) = tier_counts(scope, [(month_start, TODAY), (year_start, TODAY)],
                                                        [Decimal(10000)])
                assert (figures["big_month"], figures["big_year"]) == (big_month, big_year)
                funds_month, funds_year = funds_over(scope, [(month_start, TODAY), (year_start, TODAY)])
                assert (figures["funds_month"], figures["funds_year"], figures["funds_year_total"]) == \
                    (funds_month.total, funds_year.by_origin, funds_year.total), (who, pending)
                assert figures["rates"] == rates(scope, year_start, TODAY), (who, pending)
                assert figures["chain_figures"] == chain_figures(scope, year_start, TODAY)
                trend = monthly_trend(scope, 2026, TODAY)
                assert '"signed": [' + ", ".join(str(m["counts"][S]) for m in trend) + "]" in figures["chart"]
                stages = dict(db.session.execute(scope.projects(
                    sa.select(Project.stage, sa.func.count()).group_by(Project.stage))).all())
                assert figures["pipeline"] == [(stage, stages.get(stage.value, 0)) for stage in CURRENT]
                parks = db.session.execute(scope.projects(
                    sa.select(Park.id, Park.name, sa.func.count(), sa.func.sum(Project.agreed_investment_wan))
                    .join(Park, Park.id == Project.park_id).where(scope.first(S).between(year_start, TODAY))
                    .group_by(Park.id, Park.name).order_by(sa.func.sum(Project.agreed_investment_wan).desc()))).all()
                assert figures["top_parks"] == [tuple(row) for row in parks], (who, pending)
                assert figures["warning_counts"] == warnings.counts(
                    scoped(sa.select(Project.id), user, Project.unit_id), TODAY), who
        assert dashboard._figures(people["b"], True, TODAY)["top_parks"][0][2] == 2  # the pending signing counts


def test_warnings_are_counted_again_on_a_new_day_and_when_thresholds_change(app, world, people):
    with app.app_context():
        some_projects(world, people)
        db.session.commit()
        scope = scoped(sa.select(Project.id), people["root"], Project.unit_id)
        for day in (TODAY, date(2027, 11, 23)):  # a year on, every signing is idle
            assert tally.warnings_on(db.session, [world.root_unit_id], day) == warnings.counts(scope, day)
            assert tally.counted_on(db.session) == day
        assert tally.warnings_on(db.session, [world.root_unit_id], day)["signed_idle"] == 2
        warnings.save_thresholds(world.b_unit_id, {"signed_idle_days": 3650})
        db.session.commit()
        assert tally.counted_on(db.session) is None
        assert tally.warnings_on(db.session, [world.root_unit_id], day)["signed_idle"] == 1 == \
            warnings.counts(scope, day)["signed_idle"]


def test_a_read_in_a_transaction_that_wrote_sees_its_own_writes(app, world, people):
    with app.app_context():
        project(world, people["b"], {N: date(2026, 11, 2), S: date(2026, 11, 3)})  # flushed, not committed
        assert dashboard._figures(people["b"], False, TODAY)["month"][S].count == 1


def test_the_project_list_and_board_totals_read_from_kept_figures_equal_their_rows(app, client, world, people, login):
    with app.app_context():
        some_projects(world, people)
        db.session.commit()
        chain_id = world.chain_id
    login(Role.MANAGER, "a")
    filters = ["", "?stage=signed", "?stage=started", f"?unit_id={world.a_zone_unit_id}", f"?chain_id={chain_id}",
               f"?unit_id={world.a_zone_unit_id}&stage=started&chain_id={chain_id}", "?q=项目", "?tier=ge1"]
    for query in filters:
        page = client.get(f"/projects/{query}")
        text = page.get_data(as_text=True)
        total = int(re.search(r'data-testid="list-total">(\d+)<', text).group(1))
        agreed = re.search(r'data-testid="list-agreed">([\d,.]+)<', text).group(1)
        rows = re.findall(r'<td class="num">([\d,.]*)</td>\s*<td>', text)
        assert total == len(rows), query
        assert Decimal(agreed.replace(",", "")) == sum((Decimal(r.replace(",", "")) for r in rows if r), Decimal(0))
    board = client.get("/projects/board").get_data(as_text=True)
    with app.app_context():
        signed = db.session.scalar(sa.select(sa.func.count()).where(
            Project.stage == S, Project.unit_id.in_([world.a_unit_id, world.a_zone_unit_id])))
    assert signed and f'data-testid="count-signed">{signed}<' in board


def test_the_warning_lists_counts_read_from_kept_figures_equal_its_rows(app, client, world, people, login):
    with app.app_context():
        some_projects(world, people)
        helpers.make_project(world.a_zone_unit_id, "久谈项目", stage=N, stage_on=date(2025, 1, 1),
                             negotiating_on=date(2025, 1, 1), approved_negotiating_on=date(2025, 1, 1))  # 在谈久未对接
        db.session.commit()
    login(Role.MANAGER, "root")

    def listed(query: str) -> int:
        """The projects a warning list shows: its total, which equals its rows (one page here)."""
        text = client.get(f"/projects/warnings?{query}").get_data(as_text=True)
        total = int(re.search(r"导出 Excel（全部 (\d+) 个）", text).group(1))
        rows = len(re.findall(r'<tr><td><a href="/projects/\d+">', text))
        assert total == rows, (query, total, rows)
        return total

    seen = 0
    for query in ("", f"unit_id={world.a_unit_id}", "stage=signed"):  # kept, kept, counted
        text = client.get(f"/projects/warnings?{query}").get_data(as_text=True)
        counts = [int(re.search(rf'data-testid="warning-{rule.key}">(\d+)<', text).group(1))
                  for rule in warnings.RULES]
        for rule, count in zip(warnings.RULES, counts):
            assert listed(f"{query}&warning={rule.key}") == count, (query, rule.key)
        assert max(counts) <= listed(query) <= sum(counts), query  # any warning: each project once
        seen += sum(counts)
    assert seen
