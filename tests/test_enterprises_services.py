"""Rules of the enterprise library: one code one enterprise, duplicates, merge, stale edits, search."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.activities.services import log_activity
from app.enterprises import services
from app.extensions import db
from app.models import (
    AuditLog,
    ChainNode,
    Contact,
    Enterprise,
    EnterpriseNode,
    EnterpriseTag,
    Project,
    User,
)
from app.names import normalize_name
from tests import helpers

CODE = "91110000600037341L"


@pytest.fixture
def ctx(app, world):
    with app.app_context():
        db.session.info["actor_id"] = world.a_user_id
        yield world, db.session.get(User, world.a_user_id)


def data(world, **fields):
    return {"name": "测试企业", "unit_id": world.a_unit_id, "status": "target", **fields}


@pytest.mark.parametrize("a, b", [
    ("山西汾酒集团有限公司", "山西汾酒集团"), ("ＡＢＣ（太原）有限公司", "ABC(太原)有限公司"),
    ("甲 乙 股份有限公司", "甲乙有限责任公司"), ("【晋】示例有限公司", "晋示例"),
])
def test_names_fold_to_one_key(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_one_code_one_enterprise_and_the_existing_record_is_named(ctx):
    world, user = ctx
    first = services.create_enterprise(user, data(world, uscc=CODE.lower()))
    assert first.uscc == CODE
    with pytest.raises(services.ExistingCode) as existing:
        services.create_enterprise(user, data(world, name="另一个名字", uscc=CODE))
    assert existing.value.enterprise.id == first.id and existing.value.visible
    assert "已登记在“测试企业”" in str(existing.value)
    # The database refuses it too, whatever a service might forget.
    db.session.add(Enterprise(name="绕过", normalized_name="绕过", unit_id=world.a_unit_id, uscc=CODE))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_code_held_outside_the_scope_is_not_revealed(ctx):
    world, user = ctx
    helpers.make_enterprise(world.b_unit_id, "乙市企业", uscc=CODE)
    with pytest.raises(services.ExistingCode) as existing:
        services.create_enterprise(user, data(world, uscc=CODE))
    assert not existing.value.visible and "乙市企业" not in str(existing.value)


def test_wrong_codes_are_refused_with_the_reason(ctx):
    world, user = ctx
    with pytest.raises(services.EnterpriseError, match="校验不通过"):
        services.create_enterprise(user, data(world, uscc="91110000600037341M"))
    assert db.session.scalar(sa.select(Enterprise).where(Enterprise.name == "测试企业")) is None


def test_records_without_a_code_are_allowed(ctx):
    world, user = ctx
    services.create_enterprise(user, data(world, name="甲"))
    services.create_enterprise(user, data(world, name="乙"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise).where(Enterprise.uscc.is_(None))) >= 2


def test_likely_duplicates_in_scope(ctx):
    world, user = ctx
    helpers.make_enterprise(world.a_unit_id, "山西示例酒业集团有限公司")
    helpers.make_enterprise(world.b_unit_id, "山西示例酒业集团")  # out of scope
    found = services.likely_duplicates(user, "山西示例酒业集团")
    assert [e.name for e in found] == ["山西示例酒业集团有限公司"]
    assert services.likely_duplicates(user, "完全不同的名字") == []


def test_merge_moves_everything_and_keeps_both_trails(ctx):
    world, user = ctx
    keep = helpers.make_enterprise(world.a_unit_id, "示例科技有限公司")
    drop = helpers.make_enterprise(world.a_unit_id, "示例科技", uscc=CODE, city="太原")
    db.session.add(Contact(enterprise=drop, name="赵六"))
    project = helpers.make_project(world.a_unit_id, investor_id=drop.id)
    node_id = db.session.scalar(sa.select(ChainNode.id))
    db.session.add(EnterpriseNode(enterprise_id=drop.id, node_id=node_id, role="target"))
    log_activity(user, {"kind": "visit", "occurred_on": date(2026, 5, 1), "unit_id": world.a_unit_id,
                        "summary": "拜访"}, [drop.id], today=date(2026, 6, 1))
    db.session.commit()
    result = services.merge_enterprises(user, keep, drop)
    db.session.commit()
    assert (result.contacts, result.activities, result.projects, result.chain_links) == (1, 1, 1, 1)
    assert keep.uscc == CODE and keep.city == "太原" and keep.last_contacted_on == date(2026, 5, 1)
    assert [c.name for c in keep.contacts] == ["赵六"]
    assert db.session.get(Project, project.id).investor_id == keep.id
    assert drop.merged_into_id == keep.id and drop.is_active is False and drop.uscc is None
    trail = {(e.record_id, e.action) for e in db.session.scalars(
        sa.select(AuditLog).where(AuditLog.record_type == "Enterprise"))}
    assert {(keep.id, "create"), (drop.id, "create"), (drop.id, "update"), (keep.id, "update")} <= trail


def test_merge_refuses_two_different_codes(ctx):
    world, user = ctx
    keep = helpers.make_enterprise(world.a_unit_id, "甲", uscc=CODE)
    drop = helpers.make_enterprise(world.a_unit_id, "甲公司", uscc=helpers.make_uscc_for("X"))
    with pytest.raises(services.EnterpriseError, match="不是同一家企业"):
        services.merge_enterprises(user, keep, drop)


def search(user, **filters):
    return [e.name for e in db.session.scalars(services.search(user, filters))]


def test_search_by_one_and_two_characters_code_and_contact(ctx):
    world, user = ctx
    a = helpers.make_enterprise(world.a_unit_id, "汾酒集团", uscc=CODE)
    helpers.make_enterprise(world.a_unit_id, "紫林醋业")
    db.session.add(Contact(enterprise=a, name="钱七", mobile="13912345678"))
    db.session.flush()
    assert search(user, q="汾") == ["汾酒集团"]
    assert search(user, q="醋业") == ["紫林醋业"]
    assert search(user, q="600037") == ["汾酒集团"]
    assert search(user, q="钱七") == ["汾酒集团"]
    assert search(user, q="1391234") == ["汾酒集团"]
    assert search(user, q="%") == []  # wildcards are literal


def test_filters(ctx):
    world, user = ctx
    a = helpers.make_enterprise(world.a_unit_id, "甲", status="contacting", source_region="pearl_delta",
                                last_contacted_on=date(2026, 1, 10))
    a.tags = [EnterpriseTag(tag="上市公司")]
    helpers.make_enterprise(world.a_zone_unit_id, "乙", last_contacted_on=date(2026, 3, 1))
    db.session.flush()
    assert search(user, tag="上市公司") == ["甲"]
    assert search(user, status="contacting", source_region="pearl_delta") == ["甲"]
    assert search(user, unit_id=world.a_zone_unit_id) == ["乙"]
    assert search(user, contacted_before=date(2026, 2, 1), sort="name", desc="") == ["甲", "甲市示例企业有限公司"]
    assert search(user, contacted_after=date(2026, 2, 1)) == ["乙"]
    assert search(user, sort="name", desc="") == sorted(search(user, sort="name", desc=""))


def test_the_name_index_follows_creates_renames_and_deletes(ctx):
    world, user = ctx
    enterprise = services.create_enterprise(user, data(world, name="晋中示例药业"))
    db.session.flush()
    assert search(user, q="药业") == ["晋中示例药业"] and search(user, q="晋") == ["晋中示例药业"]
    services.update_enterprise(user, enterprise, {"name": "晋中示例醋业"})
    assert search(user, q="药业") == [] and search(user, q="醋业") == ["晋中示例醋业"]
    db.session.delete(enterprise)
    db.session.flush()
    assert search(user, q="醋业") == []
    assert search(user, q="示例 ") == ["甲市示例企业有限公司"]  # trimmed; still the phrase search
    assert search(user, q="Ab") == []  # Latin letters: substring match


def test_a_name_matches_exactly_the_queries_it_contains(ctx):
    world, user = ctx
    for name in ("科(技)制造", "山西科技创新城", "大科学技术馆"):
        helpers.make_enterprise(world.a_unit_id, name)
    db.session.flush()
    found = lambda q: sorted(search(user, q=q))  # noqa: E731
    assert found("科技") == ["山西科技创新城"]  # not across the bracket, not 科…技
    assert found("科技创新") == ["山西科技创新城"]
    assert found("技创") == ["山西科技创新城"]
    assert found("技制") == []  # 技)制: the pair is split by the bracket
    assert found("学技术") == ["大科学技术馆"]
    assert found("科学技") == ["大科学技术馆"]
    assert found("科") == ["大科学技术馆", "山西科技创新城", "科(技)制造"]


@pytest.mark.parametrize("matching", [1, 30])
def test_a_page_and_the_count_agree_whichever_way_sqlite_finds_them(ctx, matching):
    # With few matches the page is looked up by the name index; with many (1 in 20 or more) by
    # walking the sort order. Both must give the same rows in the same order as the count's query.
    world, user = ctx
    for i in range(40):
        helpers.make_enterprise(world.a_unit_id, f"示例{'矿业' if i < matching else '农业'}{i:02d}号")
    db.session.flush()
    page = [e.name for e in db.session.scalars(services.search(user, {"q": "矿业"}, for_page=True))]
    assert page == search(user, q="矿业") and len(page) == matching
    assert page == sorted(page, key=lambda n: -int(n[4:6]))  # newest first
