"""Sector chains (产业链): the node tree's rules, deletion with links, who keeps a chain and
who sees it, the map's counts and layout, the 招商目录, and chain figures from dated records."""
from datetime import date
from decimal import Decimal
from itertools import combinations

import pytest
import sqlalchemy as sa

from app.chains import services
from app.extensions import db
from app.models import (
    Chain,
    ChainNode,
    Contact,
    EnterpriseNode,
    EnterpriseTag,
    LeaderLink,
    Project,
)
from app.models.enums import GapMark, NodeRole, Role, Segment, Stage
from app.projects import services as projects
from app.projects.indicators import Scope
from tests import helpers
from tests.test_project_indicators import TODAY, project


@pytest.fixture
def keeper(app, world):
    with app.app_context():
        user = helpers.make_user(Role.MANAGER, world.a_unit_id)
        db.session.commit()
        yield user


def chain_of(world) -> Chain:
    return db.session.get(Chain, world.chain_id)


def add(by, chain, name, parent=None, segment=Segment.UPSTREAM, gap=GapMark.PRESENT, **fields) -> ChainNode:
    return services.save_node(by, chain, {"name": name, "parent": parent, "segment": segment, "gap": gap, **fields})


def test_a_name_is_unique_under_one_parent_but_not_across_parents(keeper, world):
    chain = chain_of(world)
    top = chain.nodes[0]  # 原料, 上游
    other = add(keeper, chain, "设备", segment=Segment.MIDSTREAM)
    add(keeper, chain, "零部件", top)
    add(keeper, chain, "零部件", other)  # the same name under another parent is another node
    with pytest.raises(services.ChainError, match="上级环节“原料”下已有名为“零部件”的环节"):
        add(keeper, chain, "零部件", top)
    with pytest.raises(services.ChainError, match="顶层已有名为“原料”的环节"):
        add(keeper, chain, " 原料 ")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChainNode)) == 1


def test_a_node_cannot_move_under_itself_or_below_it_and_a_moved_subtree_follows_its_segment(keeper, world):
    chain = chain_of(world)
    top = chain.nodes[0]
    child = add(keeper, chain, "子环节", top)
    grandchild = add(keeper, chain, "孙环节", child)
    assert (child.segment, grandchild.segment) == (Segment.UPSTREAM, Segment.UPSTREAM)  # from the parent
    for parent in (top, grandchild):
        with pytest.raises(services.ChainError, match="上下级会形成循环"):
            services.save_node(keeper, chain, {"name": "原料", "parent": parent, "gap": GapMark.FILL}, top)
    downstream = add(keeper, chain, "下游环节", segment=Segment.DOWNSTREAM)
    services.save_node(keeper, chain, {"name": "子环节", "parent": downstream, "gap": GapMark.FILL}, child)
    assert (child.parent, child.segment, grandchild.segment) == (downstream, Segment.DOWNSTREAM, Segment.DOWNSTREAM)
    other_chain = Chain(name="另一条链", cluster="测试集群", unit_id=world.a_unit_id)
    db.session.add(other_chain)
    foreign = add(keeper, other_chain, "外链环节")
    with pytest.raises(services.ChainError, match="上级环节须是本产业链的环节"):
        add(keeper, chain, "越链", foreign)


def test_industry_codes_are_checked_against_gb_t_4754(keeper, world):
    assert services.industry_codes(" c1512，1442、１４４９ ") == "C1512,1442,1449"
    assert services.industry_codes("") is None
    for wrong in ("15123", "Z12", "1", "C-15"):
        with pytest.raises(services.ChainError, match="国标行业代码"):
            services.industry_codes(wrong)


def test_deleting_a_node_with_links_is_refused_until_they_are_moved(keeper, world):
    chain = chain_of(world)
    node = chain.nodes[0]
    child = add(keeper, chain, "子环节", node)
    target = add(keeper, chain, "接收环节", segment=Segment.MIDSTREAM)
    enterprise = helpers.make_enterprise(world.a_unit_id)
    both = helpers.make_enterprise(world.a_unit_id)
    services.link_enterprise(keeper, node, enterprise, NodeRole.TARGET)
    services.link_enterprise(keeper, node, both, NodeRole.LOCAL)
    services.link_enterprise(keeper, target, both, NodeRole.CHAIN_LEADER)
    db.session.get(Project, world.project_id).chain_node_id = node.id
    db.session.commit()

    with pytest.raises(services.ChainError) as refused:
        services.delete_node(keeper, node)
    assert str(refused.value) == ("环节“原料”还有下级环节 1 个、关联企业 2 家、关联项目 1 个，不能直接删除。"
                                  "请选择一个环节，把它们移过去后再删除。")
    db.session.rollback()
    for wrong in (node, child):
        with pytest.raises(services.ChainError, match="只能移到本产业链中该环节以外"):
            services.delete_node(keeper, node, wrong)
        db.session.rollback()
    assert db.session.get(ChainNode, node.id) is not None

    services.delete_node(keeper, node, target)
    db.session.commit()
    assert db.session.get(ChainNode, node.id) is None
    assert (child.parent, child.segment) == (target, Segment.MIDSTREAM)
    roles = dict(db.session.execute(sa.select(EnterpriseNode.enterprise_id, EnterpriseNode.role)
                                    .where(EnterpriseNode.node_id == target.id)).all())
    assert roles == {enterprise.id: NodeRole.TARGET, both.id: NodeRole.CHAIN_LEADER}  # its role there stands
    assert db.session.get(Project, world.project_id).chain_node_id == target.id


def test_who_keeps_a_chain_and_who_sees_it(keeper, world):
    chain = chain_of(world)  # 甲市's
    province = Chain(name="省级产业链", cluster="测试集群", unit_id=world.root_unit_id)
    b_chain = Chain(name="乙市产业链", cluster="测试集群", unit_id=world.b_unit_id)
    db.session.add_all([province, b_chain])
    db.session.flush()
    zone_officer = helpers.make_user(Role.OFFICER, world.a_zone_unit_id)
    seen = set(db.session.scalars(services.visible_chains(zone_officer).with_only_columns(Chain.name)))
    assert seen == {"测试产业链", "省级产业链"}  # its city's and the province's, not 乙市's
    assert services.may_edit(helpers.make_user(Role.MANAGER, world.a_unit_id), chain)
    assert services.may_edit(helpers.make_user(Role.ADMIN, world.root_unit_id), chain)
    assert not services.may_edit(helpers.make_user(Role.MANAGER, world.a_unit_id), province)  # seen, not kept
    assert not services.may_edit(helpers.make_user(Role.MANAGER, world.a_zone_unit_id), chain)
    assert not services.may_edit(zone_officer, chain)


def test_node_counts_and_members_stay_within_the_users_scope(keeper, world):
    chain = chain_of(world)
    node = chain.nodes[0]
    mine = helpers.make_enterprise(world.a_unit_id)
    theirs = helpers.make_enterprise(world.b_unit_id)
    leader = helpers.make_enterprise(world.a_zone_unit_id)
    for enterprise, role in ((mine, NodeRole.TARGET), (theirs, NodeRole.TARGET), (leader, NodeRole.CHAIN_LEADER)):
        services.link_enterprise(keeper, node, enterprise, role)
    db.session.get(Project, world.project_id).chain_node_id = node.id  # signed, in 甲园区
    helpers.make_project(world.b_unit_id, chain_node_id=node.id)  # 乙市's, 在谈
    db.session.flush()
    counts = services.node_counts(keeper, chain)[node.id]
    assert (counts.local, counts.leaders, counts.targets, counts.projects) == (1, 1, 1, {Stage.SIGNED: 1})
    root = helpers.make_user(Role.MANAGER, world.root_unit_id)
    counts = services.node_counts(root, chain)[node.id]
    assert (counts.targets, counts.projects) == (2, {Stage.SIGNED: 1, Stage.NEGOTIATING: 1})
    members = services.node_members(keeper, node)
    assert [link.enterprise_id for link in members.links] == [mine.id, leader.id]  # targets first
    assert (members.link_total, members.project_total) == (2, 1)


def test_the_catalogue_lists_each_gap_node_and_under_it_the_targets_in_scope(keeper, world):
    chain = chain_of(world)
    gap = chain.nodes[0]  # 原料, 补链
    add(keeper, chain, "已有环节", segment=Segment.MIDSTREAM)
    add(keeper, chain, "延伸环节", segment=Segment.DOWNSTREAM, gap=GapMark.EXTEND,
                    key_technologies="工艺A")
    target = helpers.make_enterprise(world.a_unit_id, "目标企业甲有限公司", source_region="yangtze_delta",
                                     province="江苏省", city="苏州市", officer_id=keeper.id,
                                     last_contacted_on=date(2026, 10, 9))
    db.session.add_all([EnterpriseTag(enterprise_id=target.id, tag="上市公司"),
                        Contact(enterprise_id=target.id, name="赵总", mobile="13900000001")])
    services.link_enterprise(keeper, gap, target, NodeRole.TARGET)
    services.link_enterprise(keeper, gap, helpers.make_enterprise(world.b_unit_id), NodeRole.TARGET)  # 乙市's
    services.link_enterprise(keeper, gap, helpers.make_enterprise(world.a_unit_id), NodeRole.LOCAL)
    db.session.add(LeaderLink(leader_id=world.leader_id, enterprise_id=target.id))  # its 包保领导
    db.session.flush()
    rows = list(services.catalogue_rows(keeper, [chain]))
    assert rows == [
        ["测试产业链", "上游", "原料", "补链", None, "目标企业甲有限公司", None, "长三角", "江苏省苏州市", "上市公司",
         keeper.display_name, "张副市长（副市长）", date(2026, 10, 9), "赵总", "139****0001"],  # masked unless exported with a reason
        ["测试产业链", "下游", "延伸环节", "延链", "工艺A", "（暂无目标企业）"],
    ]
    assert list(services.catalogue_rows(keeper, [chain], full_contacts=True))[0][-1] == "13900000001"


def test_the_map_stays_readable_at_two_hundred_nodes(keeper, world):
    """Boxes never overlap and keep their size: one row per leaf, parents across their children."""
    chain = chain_of(world)
    parents = [chain.nodes[0]]
    for i in range(199):
        parent = parents[i // 4] if i % 3 else None
        node = add(keeper, chain, f"环节{i:03d}", parent, segment=list(Segment)[i % 3])
        parents.append(node)
    assert len(chain.nodes) == 200
    layout = services.map_layout(chain, services.node_counts(keeper, chain))
    boxes = [b for b in layout.boxes if b.kind == "node"]
    assert len(boxes) == 200 and len(layout.boxes) == 204  # + the chain and its three segments
    for a, b in combinations(layout.boxes, 2):
        apart = a.x + a.width <= b.x or b.x + b.width <= a.x or abs(a.y - b.y) >= services.BOX_HEIGHT
        assert apart, (a.title, b.title)
    assert all(0 <= b.x and b.x + b.width <= layout.width and b.y + services.BOX_HEIGHT <= layout.height
               for b in layout.boxes)
    parent_of = {b.node.id: b for b in boxes}
    for box in boxes:
        if box.node.parent is not None:
            assert parent_of[box.node.parent.id].x < box.x  # children to the right of their parent


def test_chain_figures_come_from_dated_records(keeper, world):
    """This year's 签约 / 开工 / 投产 per chain count a stage in the year of its date: a project signed last
    December and started in March is a 开工 of this year, not a 签约; a pending move counts only when
    asked; a project on no chain is in no chain's figures."""
    node = chain_of(world).nodes[0]
    root = helpers.make_user(Role.MANAGER, world.root_unit_id)
    n = Stage.NEGOTIATING
    project(world, root, {n: date(2025, 10, 1), Stage.SIGNED: date(2025, 12, 15), Stage.STARTED: date(2026, 3, 3)},
            agreed=8000, chain_node_id=node.id)
    project(world, root, {n: date(2026, 1, 5), Stage.SIGNED: date(2026, 3, 10)}, agreed=20000, chain_node_id=node.id)
    project(world, root, {n: date(2026, 1, 5), Stage.SIGNED: date(2026, 4, 10)}, agreed=7000)  # on no chain
    officer = helpers.make_user(Role.OFFICER, world.b_unit_id)
    pending = project(world, root, {n: date(2026, 2, 1)}, agreed=3000, chain_node_id=node.id)
    projects.move(officer, pending, Stage.SIGNED, date(2026, 5, 1), today=TODAY)  # 待审核
    db.session.flush()
    year = (date(2026, 1, 1), TODAY)
    rows = dict(services.statistics(Scope(root), *year))
    figures = rows[chain_of(world)]
    assert (figures[Stage.SIGNED].count, figures[Stage.SIGNED].amount_wan) == (1, Decimal(20000))
    assert (figures[Stage.STARTED].count, figures[Stage.STARTED].amount_wan) == (1, Decimal(8000))
    with_pending = dict(services.statistics(Scope(root, include_pending=True), *year))[chain_of(world)]
    assert with_pending[Stage.SIGNED].count == 2
    # build_world's signed project is on no chain: in no chain's figures, and a chain without figures
    # is left out when only active ones are asked for.
    other = Chain(name="空产业链", cluster="测试集群", unit_id=world.root_unit_id)
    db.session.add(other)
    db.session.flush()
    assert [c.name for c, _f in services.statistics(Scope(root), *year)] == ["测试产业链", "空产业链"]
    assert [c.name for c, _f in services.statistics(Scope(root), *year, active_only=True)] == ["测试产业链"]
