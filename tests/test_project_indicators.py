"""Indicators and warnings against figures worked out by hand."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.activities.services import close_follow_up, log_activity
from app.extensions import db
from app.models import CapacityItem, EnterpriseTag, Event, OrgUnit, Park, Project, Target
from app.models.enums import ActivityKind, EventKind, Role, Stage, TargetIndicator, UnitKind
from app.projects import services, warnings
from app.projects.indicators import (
    Scope,
    actual,
    add_months,
    funds_over,
    monthly_trend,
    rates,
    stage_figures,
    target_progress,
)
from tests import helpers
from tests.test_project_stages import migration

TODAY = date(2026, 11, 23)


@pytest.fixture
def manager(app, world):
    with app.app_context():
        user = helpers.make_user(Role.MANAGER, world.b_unit_id)  # 乙市: none of build_world's records
        db.session.commit()
        yield user


def project(world, by, moves: dict, agreed=10000, unit="b_unit_id", **fields) -> Project:
    """A project with approved moves {stage: date} (the first is 在谈)."""
    stages = list(moves.items())
    made = services.create_project(by, {"name": f"项目{len(stages)}-{agreed}", "unit_id": getattr(world, unit),
                                        "agreed_investment_wan": Decimal(agreed), **fields}, stages[0][1], today=TODAY)
    for stage, day in stages[1:]:
        services.move(by, made, stage, day, "原因" if stage == Stage.TERMINATED else None, today=TODAY)
    return made


def fund(by, made, month, amount, origin="out_of_province"):
    services.save_fund(by, made, {"month": month, "origin": origin, "amount_wan": Decimal(amount)}, today=TODAY)


def test_add_months_clips_to_the_end_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 23), -11) == date(2025, 12, 23)
    assert add_months(date(2026, 3, 1), -3) == date(2025, 12, 1)


def test_stages_count_in_the_month_of_their_date_and_rates_follow_the_signed_cohort(manager, world):
    n = Stage.NEGOTIATING
    march_signed = project(world, manager, {n: date(2026, 1, 5), Stage.SIGNED: date(2026, 3, 10),
                                            Stage.STARTED: date(2026, 5, 2)}, agreed=20000)
    project(world, manager, {n: date(2026, 2, 1), Stage.SIGNED: date(2026, 3, 20),
                             Stage.TERMINATED: date(2026, 6, 1)}, agreed=5000)
    project(world, manager, {n: date(2025, 10, 1), Stage.SIGNED: date(2025, 12, 15),
                             Stage.STARTED: date(2026, 3, 3)}, agreed=8000)  # signed last year
    project(world, manager, {n: date(2026, 3, 1)}, agreed=3000)
    fund(manager, march_signed, date(2026, 5, 1), 2000)
    fund(manager, march_signed, date(2026, 6, 1), 1000, "foreign")
    scope = Scope(manager)
    march = stage_figures(scope, date(2026, 3, 1), date(2026, 3, 31))
    assert (march[Stage.SIGNED].count, march[Stage.SIGNED].amount_wan) == (2, Decimal(25000))
    assert march[Stage.STARTED].count == 1 and march[Stage.NEGOTIATING].count == 1
    year = stage_figures(scope, date(2026, 1, 1), date(2026, 11, 30))
    assert [year[s].count for s in (n, Stage.SIGNED, Stage.STARTED, Stage.TERMINATED)] == [3, 2, 2, 1]
    # Of the two projects signed in 2026, one started and one was terminated; funds 3000 / 25000.
    cohort = rates(scope, date(2026, 1, 1), date(2026, 11, 30))
    assert (cohort.signed, cohort.started, cohort.terminated) == (2, 1, 1)
    assert cohort.start_rate == 0.5 and cohort.keep_rate == 0.5 and cohort.funds_rate == pytest.approx(0.12)
    # By the end of April the March project had not started yet.
    assert rates(scope, date(2026, 1, 1), date(2026, 4, 30)).started == 0
    june, first_half = funds_over(scope, [(date(2026, 6, 1), date(2026, 6, 30)), (date(2026, 1, 1), date(2026, 6, 30))])
    assert june.by_origin == {"foreign": Decimal(1000)}
    trend = monthly_trend(scope, 2026, date(2026, 6, 30))
    assert first_half.total == sum(row["funds_wan"] for row in trend) > june.total
    assert len(trend) == 6 and trend[2]["counts"][Stage.SIGNED] == 2 and trend[2]["counts"][Stage.STARTED] == 1
    assert trend[4]["counts"][Stage.STARTED] == 1 and trend[0]["counts"][Stage.NEGOTIATING] == 1
    assert trend[4]["funds_wan"] == Decimal(2000) and trend[2]["signed_wan"] == Decimal(25000)


def test_scope_narrows_to_a_unit_subtree(manager, world, app):
    root_manager = helpers.make_user(Role.MANAGER, world.root_unit_id)
    project(world, root_manager, {Stage.NEGOTIATING: date(2026, 2, 1), Stage.SIGNED: date(2026, 3, 1)},
            unit="a_zone_unit_id")
    project(world, root_manager, {Stage.NEGOTIATING: date(2026, 2, 1), Stage.SIGNED: date(2026, 3, 1)})
    year = (date(2026, 1, 1), date(2026, 12, 31))
    # build_world's project in 甲园区 signed on 2026-02-01 too.
    assert stage_figures(Scope(root_manager), *year)[Stage.SIGNED].count == 3
    assert stage_figures(Scope(root_manager, unit_id=world.a_unit_id), *year)[Stage.SIGNED].count == 2
    assert stage_figures(Scope(manager), *year)[Stage.SIGNED].count == 1  # 乙市 sees its own


def test_targets_against_actuals_with_the_half_year_mark(manager, world):
    lead = helpers.make_enterprise(world.b_unit_id, "龙头企业有限公司")
    db.session.add(EnterpriseTag(enterprise_id=lead.id, tag="龙头骨干企业"))
    project(world, manager, {Stage.NEGOTIATING: date(2026, 1, 2), Stage.SIGNED: date(2026, 5, 6)},
            investor_id=lead.id)
    project(world, manager, {Stage.NEGOTIATING: date(2026, 1, 2), Stage.SIGNED: date(2026, 8, 6)})
    db.session.add(Event(name="推介会", kind=EventKind.PROMOTION, starts_on=date(2026, 4, 1), unit_id=world.b_unit_id))
    for indicator, value in ((TargetIndicator.SIGNED_COUNT, 4), (TargetIndicator.LEAD_ENTERPRISES, 1),
                             (TargetIndicator.EVENTS, 3)):
        db.session.add(Target(year=2026, unit_id=world.b_unit_id, indicator=indicator, value=Decimal(value)))
    db.session.flush()
    progress = {p.target.indicator: p for p in target_progress(manager, 2026, TODAY)}
    assert len(progress) == 3  # 甲市's target is outside 乙市's scope
    signed = progress[TargetIndicator.SIGNED_COUNT]
    assert (signed.actual, signed.rate, signed.half_year_actual, signed.half_passed) == (2, 0.5, 1, False)
    assert progress[TargetIndicator.LEAD_ENTERPRISES].actual == 1
    assert progress[TargetIndicator.LEAD_ENTERPRISES].half_passed is True
    assert progress[TargetIndicator.EVENTS].actual == 1
    assert target_progress(manager, 2026, date(2026, 5, 31))[0].half_passed is None  # June not over


def test_each_target_indicator_counts_up_to_each_end(manager, world):
    """The year so far and the end of June, for 双过半, from one query per target."""
    n = Stage.NEGOTIATING
    early = project(world, manager, {n: date(2026, 1, 2), Stage.SIGNED: date(2026, 3, 1),
                                     Stage.STARTED: date(2026, 5, 10), Stage.PRODUCING: date(2026, 9, 1)}, agreed=20000)
    late = project(world, manager, {n: date(2026, 1, 2), Stage.SIGNED: date(2026, 7, 1),
                                    Stage.STARTED: date(2026, 8, 1)}, agreed=5000)
    project(world, manager, {n: date(2025, 3, 2), Stage.SIGNED: date(2025, 12, 31)}, agreed=7000)  # last year
    fund(manager, early, date(2026, 4, 1), 300)
    fund(manager, early, date(2026, 10, 1), 200)
    fund(manager, late, date(2026, 7, 1), 100)
    expected = {TargetIndicator.SIGNED_COUNT: [2, 1], TargetIndicator.SIGNED_AMOUNT: [25000, 20000],
                TargetIndicator.STARTED_COUNT: [2, 1], TargetIndicator.PRODUCING_COUNT: [1, 0],
                TargetIndicator.FUNDS: [600, 300]}
    for indicator, values in expected.items():
        assert actual(Scope(manager), indicator, date(2026, 1, 1), [TODAY, date(2026, 6, 30)]) == [
            Decimal(v) for v in values], indicator


def flagged(made, today=TODAY) -> list[str]:
    return warnings.of_project(made, today)


def test_warning_signed_but_not_started_after_365_days(manager, world):
    late = project(world, manager, {Stage.NEGOTIATING: date(2025, 9, 1), Stage.SIGNED: date(2025, 11, 22)})
    on_time = project(world, manager, {Stage.NEGOTIATING: date(2025, 9, 1), Stage.SIGNED: date(2025, 11, 23)})
    assert "签约未落地" in flagged(late) and "签约未落地" not in flagged(on_time)
    warnings.save_thresholds(world.root_unit_id, {"signed_idle_days": 366})  # the province's, for every unit
    assert "签约未落地" not in flagged(late)


def test_warning_no_funds_for_three_whole_months_after_the_start(manager, world):
    quiet = project(world, manager, {Stage.NEGOTIATING: date(2026, 1, 1), Stage.SIGNED: date(2026, 2, 1),
                                     Stage.STARTED: date(2026, 7, 15)})
    assert "开工后无到位资金" in flagged(quiet)  # nothing in August, September, October
    assert "开工后无到位资金" not in flagged(quiet, date(2026, 10, 31))  # July start: not three months yet
    fund(manager, quiet, date(2026, 11, 1), 50)
    assert "开工后无到位资金" in flagged(quiet)  # November is not a whole month yet
    fund(manager, quiet, date(2026, 9, 1), 50)
    assert "开工后无到位资金" not in flagged(quiet)


def test_warning_low_funds_six_months_after_the_start(manager, world):
    slow = project(world, manager, {Stage.NEGOTIATING: date(2026, 1, 1), Stage.SIGNED: date(2026, 2, 1),
                                    Stage.STARTED: date(2026, 5, 23)}, agreed=20000)
    fund(manager, slow, date(2026, 6, 1), Decimal("2999.99"))
    assert "资金到位不足" in flagged(slow)
    assert "资金到位不足" not in flagged(slow, date(2026, 11, 22))  # not six months yet
    fund(manager, slow, date(2026, 7, 1), Decimal("0.01"))  # now exactly 15 %
    assert "资金到位不足" not in flagged(slow)


def test_warning_talks_without_contact_and_overdue_follow_ups(manager, world):
    stale = project(world, manager, {Stage.NEGOTIATING: date(2026, 9, 1)})
    assert flagged(stale) == ["在谈久未对接"]
    call = log_activity(manager, {"kind": ActivityKind.CALL, "occurred_on": date(2026, 11, 1),
                                  "unit_id": world.b_unit_id, "project_id": stale.id, "summary": "电话",
                                  "next_follow_up_on": date(2026, 11, 20)}, [], today=TODAY)
    assert flagged(stale) == ["跟进逾期"]
    assert flagged(stale, date(2026, 11, 20)) == []
    close_follow_up(call)
    assert flagged(stale) == []


def test_a_page_of_projects_is_flagged_as_the_lists_count_them(manager, world):
    """The labels of a page's projects (written for a few projects) and the lists' counts
    (written for many) find the same projects under every rule."""
    n, s, st = Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED
    contacted = helpers.make_enterprise(world.b_unit_id, last_contacted_on=date(2026, 11, 1))
    never = helpers.make_enterprise(world.b_unit_id)
    for investor in (contacted, never, None):
        project(world, manager, {n: date(2026, 1, 5)}, investor_id=investor and investor.id)
    for funded in (False, True):
        made = project(world, manager, {n: date(2026, 1, 1), s: date(2026, 2, 1), st: date(2026, 3, 1)})
        if funded:
            fund(manager, made, date(2026, 9, 1), 10)
    ids = list(db.session.scalars(sa.select(Project.id)))
    labels = warnings.of_projects(ids, TODAY)
    for key, condition in warnings.conditions(TODAY).items():
        counted = set(db.session.scalars(sa.select(Project.id).where(condition)))
        assert counted == {i for i in ids if warnings.LABELS[key] in labels.get(i, [])}, key
    assert len(set(db.session.scalars(sa.select(Project.id).where(warnings.conditions(TODAY)["stale_talks"])))) == 2
    assert len(set(db.session.scalars(sa.select(Project.id).where(warnings.conditions(TODAY)["no_funds"])))) == 1


def test_the_facts_kept_on_projects_match_their_records(manager, world):
    """Last activity, earliest open follow-up and funds, as the services keep them, equal what the
    migration computes from the records."""
    made = project(world, manager, {Stage.NEGOTIATING: date(2026, 1, 1), Stage.SIGNED: date(2026, 2, 1)})
    fund(manager, made, date(2026, 3, 1), 100)
    officer = helpers.make_user(Role.OFFICER, world.b_unit_id)
    services.save_fund(officer, made, {"month": date(2026, 4, 1), "origin": "local", "amount_wan": Decimal(7)},
                       today=TODAY)
    rejected = services.save_fund(officer, made, {"month": date(2026, 5, 1), "origin": "local",
                                                  "amount_wan": Decimal(50)}, today=TODAY)
    services.review(manager, rejected, False, "凭证不全")
    for day, follow_up in ((date(2026, 6, 1), date(2026, 6, 10)), (date(2026, 5, 1), date(2026, 12, 1))):
        log_activity(manager, {"kind": ActivityKind.VISIT, "occurred_on": day, "unit_id": world.b_unit_id,
                               "project_id": made.id, "summary": "拜访", "next_follow_up_on": follow_up}, [],
                     today=TODAY)
    db.session.commit()
    assert (made.last_activity_on, made.follow_up_due_on, made.funds_wan) == (
        date(2026, 6, 1), date(2026, 6, 10), Decimal(107))
    for column, value in migration("65e5f9a695e8").FACTS.items():
        computed = db.session.scalar(sa.text(f"SELECT ({value}) FROM project WHERE id = :id"), {"id": made.id})
        stored = getattr(made, column)
        assert (Decimal(str(computed)) if column == "funds_wan" else str(computed)) == (
            stored if column == "funds_wan" else str(stored)), column


def test_warning_funds_beyond_the_agreed_investment(manager, world):
    made = project(world, manager, {Stage.NEGOTIATING: date(2026, 1, 1), Stage.SIGNED: date(2026, 2, 1)},
                   agreed=100)
    fund(manager, made, date(2026, 3, 1), 100)
    assert "到位资金超过协议投资" not in flagged(made)
    fund(manager, made, date(2026, 4, 1), Decimal("0.01"))
    assert "到位资金超过协议投资" in flagged(made)


def test_warning_counts_and_overcommitted_parks(manager, world, monkeypatch):
    manager = helpers.make_user(Role.MANAGER, world.root_unit_id)  # sees 甲园区's park
    park = db.session.get(Park, world.park_id)  # 100 亩 of land in build_world
    project(world, manager, {Stage.NEGOTIATING: date(2026, 1, 1), Stage.SIGNED: date(2026, 2, 1)},
            park_id=park.id, land_mu=Decimal(60), unit="a_zone_unit_id")
    assert warnings.overcommitted_parks(None) == (0, [])
    project(world, manager, {Stage.NEGOTIATING: date(2026, 1, 1)}, park_id=park.id, land_mu=Decimal(60),
            unit="a_zone_unit_id")
    assert warnings.overcommitted_parks(None) == (0, [])  # 在谈 commits nothing
    project(world, manager, {Stage.NEGOTIATING: date(2025, 1, 1), Stage.SIGNED: date(2025, 2, 1)},
            park_id=park.id, land_mu=Decimal(41), unit="a_zone_unit_id")
    total, [over] = warnings.overcommitted_parks(None)
    assert total == 1
    assert over.park.id == park.id and over.committed == Decimal(101)
    counts = warnings.counts(sa.select(Project.id), TODAY)
    assert counts["signed_idle"] == 1 and counts["stale_talks"] == 1 and counts["no_funds"] == 0
    db.session.add(CapacityItem(park=park, kind="power", name="供电容量", total=Decimal(10), unit="kVA",
                                as_of=date(2026, 1, 1)))
    project(world, manager, {Stage.NEGOTIATING: date(2025, 1, 1), Stage.SIGNED: date(2025, 3, 1)},
            park_id=park.id, power_kva=Decimal(11), unit="a_zone_unit_id")
    monkeypatch.setattr(warnings, "OVERCOMMITTED_SHOWN", 1)  # a country has thousands: the first shown
    total, [first] = warnings.overcommitted_parks(None)
    assert total == 2 and first.item.kind == "land" and first.committed == Decimal(101)
    assert warnings.overcommitted_parks([park.id])[0] == 2 and warnings.overcommitted_parks([]) == (0, [])


def test_a_park_overcommitted_by_projects_of_two_roots(manager, world):
    """Where the tree has two roots (a unit moved out to a root of its own), a park's needs are
    summed over both: each item is grouped over the roots' rows."""
    manager = helpers.make_user(Role.MANAGER, world.root_unit_id)
    park = db.session.get(Park, world.park_id)  # 100 亩 of land
    for unit, land in (("a_zone_unit_id", 60), ("b_unit_id", 50)):
        project(world, manager, {Stage.NEGOTIATING: date(2026, 1, 1), Stage.SIGNED: date(2026, 2, 1)},
                park_id=park.id, land_mu=Decimal(land), unit=unit)
    total, [over] = warnings.overcommitted_parks(None)
    assert total == 1 and over.committed == Decimal(110)
    db.session.get(OrgUnit, world.b_unit_id).parent_id = helpers.make_unit("Q", "另一省", UnitKind.PROVINCE).id
    db.session.flush()
    total, [over] = warnings.overcommitted_parks(None)
    assert total == 1 and over.committed == Decimal(110)  # 60 under one root, 50 under the other


def test_thresholds_hold_for_a_subtree_and_the_nearest_set_above_wins(manager, world):
    def signed_idle(unit):
        return warnings.thresholds(unit)["signed_idle_days"]

    units = (world.root_unit_id, world.a_unit_id, world.a_zone_unit_id, world.b_unit_id)
    assert [signed_idle(u) for u in units] == [365] * 4 and warnings.threshold_groups() == [
        (warnings.thresholds(world.root_unit_id), [])]
    warnings.save_thresholds(world.root_unit_id, {"signed_idle_days": 400})
    warnings.save_thresholds(world.a_unit_id, {"signed_idle_days": 200})
    assert [signed_idle(u) for u in units] == [400, 200, 200, 400]  # 甲园区 follows 甲市, 乙市 the province
    assert sorted(len(group) for _, group in warnings.threshold_groups()) == [2, 2]
    warnings.save_thresholds(world.a_unit_id, {"signed_idle_days": None})
    assert [signed_idle(u) for u in units] == [400] * 4 and len(warnings.threshold_groups()) == 1


def test_thresholds_are_checked(manager):
    with pytest.raises(ValueError, match="1–3650"):
        warnings.save_thresholds(1, {"signed_idle_days": 0})
