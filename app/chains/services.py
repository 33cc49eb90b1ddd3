"""Sector chains (产业链) and their node trees: who keeps them, the tree's rules (no cycle, no two
nodes of one name under one parent, no node deleted while things still hang on it), enterprises
on nodes, the chain map's counts and layout, and the 招商目录.

A chain's nodes are few (hundreds at most), so the tree rules work on ``chain.nodes`` in memory;
that also lets an import check nodes it has added but not yet flushed.

Services add and flush; the caller commits once.
"""
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.scope import get_scoped_unit, is_within, scoped
from app.excel import Sheet
from app.leaders import services as leaders  # the module: the packages import each other
from app.extensions import db
from app.models import (
    Chain,
    ChainNode,
    Contact,
    Enterprise,
    EnterpriseNode,
    Project,
    User,
)
from app.models.enums import GapMark, NodeRole, Role, Segment, SourceRegion, Stage
from app.personal import shown_phone
from app.projects.indicators import Scope, StageFigures, chain_figures
from app.revision import kept, kept_rows

NODE_FIELDS = ("segment", "name", "industry_codes", "description", "key_technologies", "gap")
PATH_SEPARATOR = " / "
# GB/T 4754-2017: a 门类 letter, or a 大类/中类/小类 of 2–4 digits, optionally after its letter.
INDUSTRY_CODE = re.compile(r"[A-T](\d{2,4})?|\d{2,4}")
CODE_SEPARATORS = re.compile(r"[\s,，、;；/]+")
SEGMENT_ORDER = {segment.value: index for index, segment in enumerate(Segment)}


class ChainError(ValueError):
    pass


def visible_chains(user: User) -> sa.Select:
    """Chains of the user's units and of the units above it (a province's chains are its cities' too)."""
    return scoped(sa.select(Chain), user, Chain.unit_id, inherited=True)


def may_edit(user: User, chain: Chain) -> bool:
    """A chain is kept by the managers and admins of its 责任单位 and of the units above it."""
    return user.role in (Role.ADMIN, Role.MANAGER) and is_within(chain.unit_id, user.unit_id)


def save_chain(by: User, data: dict, chain: Chain | None = None) -> Chain:
    name, cluster = (data.get("name") or "").strip(), (data.get("cluster") or "").strip()
    if not name or not cluster:
        raise ChainError("请填写产业链名称和所属产业集群。")
    other = db.session.scalar(sa.select(Chain.id).where(Chain.name == name))
    if other is not None and (chain is None or other != chain.id):
        raise ChainError(f"已有名为“{name}”的产业链。")
    unit = get_scoped_unit(by, data.get("unit_id"))
    if unit is None:
        raise ChainError("责任单位须是您所在单位或其下级单位。")
    chain = chain or Chain()
    chain.name, chain.cluster, chain.unit_id = name, cluster, unit.id
    chain.leader = (data.get("leader") or "").strip() or None
    chain.description = (data.get("description") or "").strip() or None
    db.session.add(chain)
    db.session.flush()
    return chain


def industry_codes(text: str | None) -> str | None:
    """GB/T 4754 codes as one comma-separated text, checked; None when blank."""
    text = unicodedata.normalize("NFKC", str(text or "")).upper().strip()
    codes = [code for code in CODE_SEPARATORS.split(text) if code]
    for code in codes:
        if not INDUSTRY_CODE.fullmatch(code):
            raise ChainError(f"国标行业代码“{code}”格式不对：应为门类字母（如 C），或 2–4 位数字（如 15、151、1512），"
                             "可带门类字母（如 C1512）。")
    joined = ",".join(dict.fromkeys(codes))
    if len(joined) > 100:
        raise ChainError("国标行业代码过多（合计不超过100个字符）。")
    return joined or None


def node_name(text: str | None) -> str:
    """A node's name, folded and checked: "/" separates the names of a path, so no name holds one."""
    name = unicodedata.normalize("NFKC", text or "").strip()
    if not name:
        raise ChainError("请填写环节名称。")
    if "/" in name or len(name) > 100:
        raise ChainError("环节名称不能含“/”（它用来分隔上级环节路径），且不超过100字。")
    return name


def descendants(node: ChainNode) -> list[ChainNode]:
    """The nodes under ``node``, parents before their children."""
    children: dict[int | None, list[ChainNode]] = {}
    for other in node.chain.nodes:
        children.setdefault(id(other.parent) if other.parent is not None else None, []).append(other)
    found, stack = [], list(children.get(id(node), []))
    while stack:
        current = stack.pop(0)
        found.append(current)
        stack.extend(children.get(id(current), []))
    return found


def path_of(node: ChainNode) -> tuple[str, ...]:
    names = []
    while node is not None:
        names.append(node.name)
        node = node.parent
    return tuple(reversed(names))


def path_text(path: tuple[str, ...]) -> str:
    return PATH_SEPARATOR.join(path)


def save_node(by: User, chain: Chain, data: dict, node: ChainNode | None = None) -> ChainNode:
    """Add a node to the chain's tree, or change one (its parent too). ``data["parent"]`` is a node
    of this chain or None. A node below a parent takes the parent's segment, and a moved node's
    subtree follows it."""
    name = node_name(data.get("name"))
    parent = data.get("parent")
    if parent is not None and parent.chain is not chain:
        raise ChainError("上级环节须是本产业链的环节。")
    if node is not None and parent is not None and (parent is node or parent in descendants(node)):
        raise ChainError(f"不能把环节“{node.name}”移到它自己或它的下级环节“{parent.name}”之下：上下级会形成循环。")
    segment = parent.segment if parent is not None else data.get("segment")
    if segment not in SEGMENT_ORDER:
        raise ChainError("请选择链段（上游 / 中游 / 下游）。")
    gap = data.get("gap") or GapMark.PRESENT
    if gap not in set(GapMark):
        raise ChainError("请选择短板标识（已具备 / 强链 / 补链 / 延链）。")
    for sibling in chain.nodes:
        if sibling is not node and sibling.parent is parent and sibling.name == name:
            where = f"上级环节“{parent.name}”下" if parent is not None else "顶层"
            raise ChainError(f"{where}已有名为“{name}”的环节。")
    node = node or ChainNode(chain=chain)
    node.parent, node.name, node.segment, node.gap = parent, name, segment, gap
    node.industry_codes = industry_codes(data.get("industry_codes"))
    node.description = (data.get("description") or "").strip() or None
    node.key_technologies = (data.get("key_technologies") or "").strip() or None
    for below in descendants(node):
        below.segment = segment
    db.session.add(node)
    db.session.flush()
    return node


@dataclass
class Links:
    """What hangs on a node, counted over every unit (a deletion affects them all)."""

    children: int
    enterprises: int
    projects: int

    def __bool__(self) -> bool:
        return bool(self.children or self.enterprises or self.projects)

    def __str__(self) -> str:
        parts = [f"{label} {count} {unit}" for label, count, unit in (
            ("下级环节", self.children, "个"), ("关联企业", self.enterprises, "家"), ("关联项目", self.projects, "个"))
            if count]
        return "、".join(parts)


def links_of(node: ChainNode) -> Links:
    children = sum(1 for other in node.chain.nodes if other.parent is node)
    enterprises = db.session.scalar(sa.select(sa.func.count()).where(EnterpriseNode.node_id == node.id))
    projects = db.session.scalar(sa.select(sa.func.count()).where(Project.chain_node_id == node.id))
    return Links(children, enterprises or 0, projects or 0)


def delete_node(by: User, node: ChainNode, move_to: ChainNode | None = None) -> None:
    """Delete a node. While anything hangs on it (下级环节, enterprises, projects) it is refused,
    unless ``move_to`` names a node of the same chain to move them to first."""
    links = links_of(node)
    if links and move_to is None:
        raise ChainError(f"环节“{node.name}”还有{links}，不能直接删除。请选择一个环节，把它们移过去后再删除。")
    if move_to is not None:
        if move_to.chain_id != node.chain_id or move_to is node or move_to in descendants(node):
            raise ChainError("只能移到本产业链中该环节以外、且不在它之下的环节。")
        for child in [other for other in node.chain.nodes if other.parent is node]:
            child.parent = move_to
            for below in [child, *descendants(child)]:
                below.segment = move_to.segment
        on_target = set(db.session.scalars(sa.select(EnterpriseNode.enterprise_id)
                                           .where(EnterpriseNode.node_id == move_to.id)))
        for link in db.session.scalars(sa.select(EnterpriseNode).where(EnterpriseNode.node_id == node.id)):
            if link.enterprise_id not in on_target:  # already on the target: its own role there stands
                db.session.add(EnterpriseNode(enterprise_id=link.enterprise_id, node_id=move_to.id, role=link.role))
            db.session.delete(link)
        for project in db.session.scalars(sa.select(Project).where(Project.chain_node_id == node.id)):
            project.chain_node_id = move_to.id
    node.chain.nodes.remove(node)
    db.session.delete(node)
    db.session.flush()


def link_enterprise(by: User, node: ChainNode, enterprise: Enterprise, role: str) -> EnterpriseNode:
    """Put an enterprise on a node with a role (本地企业 / 链主 / 目标企业), or change its role there."""
    if role not in set(NodeRole):
        raise ChainError("请选择企业在该环节的角色（本地企业 / 链主 / 目标企业）。")
    link = db.session.get(EnterpriseNode, (enterprise.id, node.id))
    if link is None:
        link = EnterpriseNode(enterprise_id=enterprise.id, node_id=node.id)
        db.session.add(link)
    link.role = role
    db.session.flush()
    return link


def unlink_enterprise(by: User, link: EnterpriseNode) -> None:
    db.session.delete(link)
    db.session.flush()


def tree(nodes) -> list[tuple[ChainNode, int]]:
    """A chain's nodes (records or rows with id, parent_id and segment) depth first, segments in
    order (上游, 中游, 下游): (node, depth from 0)."""
    children: dict[int | None, list[ChainNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    tops = sorted(children.get(None, []), key=lambda n: (SEGMENT_ORDER.get(n.segment, 9), n.id), reverse=True)
    ordered, stack = [], [(node, 0) for node in tops]
    while stack:
        node, depth = stack.pop()
        ordered.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(node.id, [])))
    return ordered


@dataclass
class NodeCounts:
    local: int = 0  # 本地企业 and 链主
    leaders: int = 0  # 链主
    targets: int = 0  # 目标企业
    projects: dict[str, int] = field(default_factory=dict)  # current stage → count

    @property
    def by_stage(self) -> list[tuple[Stage, int]]:
        """(stage, count) for the stages the node has projects in, in stage order."""
        return [(stage, self.projects[stage.value]) for stage in Stage if self.projects.get(stage.value)]


def node_counts(user: User, chain: Chain) -> dict[int, NodeCounts]:
    """Per node: the enterprises on it by role and its projects by current stage, within the user's
    scope. Two grouped queries, whatever the size of the chain."""
    counts: dict[int, NodeCounts] = {node.id: NodeCounts() for node in chain.nodes}
    stmt = (sa.select(EnterpriseNode.node_id, EnterpriseNode.role, sa.func.count())
            .join(Enterprise, Enterprise.id == EnterpriseNode.enterprise_id)
            .join(ChainNode, ChainNode.id == EnterpriseNode.node_id)
            .where(ChainNode.chain_id == chain.id, Enterprise.is_active.is_(True))
            .group_by(EnterpriseNode.node_id, EnterpriseNode.role))
    for node_id, role, count in db.session.execute(scoped(stmt, user, Enterprise.unit_id)):
        entry = counts[node_id]
        if role == NodeRole.TARGET:
            entry.targets += count
        else:
            entry.local += count
            entry.leaders += count if role == NodeRole.CHAIN_LEADER else 0
    stmt = (sa.select(Project.chain_node_id, Project.stage, sa.func.count())
            .join(ChainNode, ChainNode.id == Project.chain_node_id)
            .where(ChainNode.chain_id == chain.id).group_by(Project.chain_node_id, Project.stage))
    for node_id, stage, count in db.session.execute(scoped(stmt, user, Project.unit_id)):
        counts[node_id].projects[stage] = count
    return counts


MEMBERS_SHOWN = 50


@dataclass
class Members:
    links: list[EnterpriseNode]  # targets first, at most MEMBERS_SHOWN
    link_total: int
    projects: list[Project]  # latest first, at most MEMBERS_SHOWN
    project_total: int


def node_members(user: User, node: ChainNode) -> Members:
    """The enterprises on a node (targets first, the latest contacted first, as in the 招商目录) and its
    projects, within the user's scope: a page of each, and totals."""
    links = scoped(sa.select(EnterpriseNode).join(Enterprise, Enterprise.id == EnterpriseNode.enterprise_id)
                   .where(EnterpriseNode.node_id == node.id, Enterprise.is_active.is_(True)), user, Enterprise.unit_id)
    projects = scoped(sa.select(Project).where(Project.chain_node_id == node.id), user, Project.unit_id)
    total = lambda stmt: db.session.scalar(stmt.with_only_columns(sa.func.count()).order_by(None))  # noqa: E731
    return Members(
        db.session.scalars(links.options(selectinload(EnterpriseNode.enterprise).selectinload(Enterprise.tags),
                                         selectinload(EnterpriseNode.enterprise).selectinload(Enterprise.officer))
                           .order_by(sa.case((EnterpriseNode.role == NodeRole.TARGET, 0), else_=1),
                                     Enterprise.last_contacted_on.desc().nulls_last(), Enterprise.name)
                           .limit(MEMBERS_SHOWN)).all(), total(links),
        db.session.scalars(projects.options(selectinload(Project.investor), selectinload(Project.unit))
                           .order_by(Project.stage_on.desc().nulls_last(), Project.id.desc())
                           .limit(MEMBERS_SHOWN)).all(), total(projects))


# The map: a tidy tree drawn left to right (chain → segments → nodes), one row per leaf, as SVG.
# The chain's and the segments' columns are narrow, so three levels of nodes fit a laptop's screen.
NODE_WIDTH, BOX_HEIGHT, COLUMN_GAP, ROW_HEIGHT, MARGIN = 200, 44, 40, 52, 12
COLUMN_WIDTHS = (120, 80)  # the chain, the segments; then NODE_WIDTH


def _column_x(depth: int) -> int:
    widths = COLUMN_WIDTHS[:depth] + (NODE_WIDTH,) * max(depth - len(COLUMN_WIDTHS), 0)
    return MARGIN + sum(widths) + depth * COLUMN_GAP


@dataclass
class Box:
    x: int
    y: int
    width: int
    title: str
    kind: str  # chain / segment / node
    node: ChainNode | None = None
    counts: NodeCounts | None = None


@dataclass
class MapLayout:
    width: int
    height: int
    boxes: list[Box]
    edges: list[tuple[int, int, int, int]]  # from the parent's right edge to the child's left edge


def map_layout(chain: Chain, counts: dict[int, NodeCounts]) -> MapLayout:
    """Where each box of the chain map goes. Leaves take one row each, a parent sits across its
    children, so no two boxes overlap and the text keeps its size however many nodes there are."""
    children: dict[object, list] = {"chain": [segment.value for segment in Segment]}
    for node, _depth in tree(chain.nodes):
        children.setdefault(node.parent.id if node.parent is not None else node.segment, []).append(node)
    rows = itertools.count()
    boxes, edges = [], []

    def place(item, depth: int) -> Box:
        key = item.id if isinstance(item, ChainNode) else item
        below = [place(child, depth + 1) for child in children.get(key, [])]
        y = (below[0].y + below[-1].y) // 2 if below else MARGIN + next(rows) * ROW_HEIGHT
        x = _column_x(depth)
        width = COLUMN_WIDTHS[depth] if depth < len(COLUMN_WIDTHS) else NODE_WIDTH
        if isinstance(item, ChainNode):
            box = Box(x, y, width, item.name, "node", item, counts.get(item.id))
        elif item == "chain":
            box = Box(x, y, width, chain.name, "chain")
        else:
            box = Box(x, y, width, Segment.label_of(item), "segment")
        boxes.append(box)
        edges.extend((x + width, y + BOX_HEIGHT // 2, child.x, child.y + BOX_HEIGHT // 2) for child in below)
        return box

    place("chain", 0)
    width = max(box.x + box.width for box in boxes) + MARGIN
    height = max(box.y for box in boxes) + BOX_HEIGHT + MARGIN
    return MapLayout(width, height, boxes, edges)


def catalogue_rows(user: User, chains: list[Chain], full_contacts: bool = False):
    """The 招商目录: per chain, each gap node (强链 / 补链 / 延链) and under it the target enterprises
    to approach (within the user's scope) — a gap without targets is listed too, so it is seen."""
    nodes = [(chain, node) for chain in chains for node, _depth in tree(chain.nodes) if node.gap != GapMark.PRESENT]
    targets: dict[int, list[Enterprise]] = {}
    stmt = (sa.select(EnterpriseNode.node_id, Enterprise)
            .join(Enterprise, Enterprise.id == EnterpriseNode.enterprise_id)
            .where(EnterpriseNode.node_id.in_([node.id for _chain, node in nodes]),
                   EnterpriseNode.role == NodeRole.TARGET, Enterprise.is_active.is_(True))
            .options(selectinload(Enterprise.tags), selectinload(Enterprise.officer),
                     selectinload(Enterprise.contacts))
            .order_by(Enterprise.last_contacted_on.desc().nulls_last(), Enterprise.name))
    for node_id, enterprise in db.session.execute(scoped(stmt, user, Enterprise.unit_id)):
        targets.setdefault(node_id, []).append(enterprise)
    in_charge = leaders.leaders_of(enterprise_ids={e.id for found in targets.values() for e in found})
    for chain, node in nodes:
        head = [chain.name, Segment.label_of(node.segment), path_text(path_of(node)), node.gap_label,
                node.key_technologies]
        for enterprise in targets.get(node.id, []) or [None]:
            if enterprise is None:
                yield [*head, "（暂无目标企业）"]
                continue
            contact: Contact | None = enterprise.contacts[0] if enterprise.contacts else None
            yield [*head, enterprise.name, enterprise.uscc, SourceRegion.label_of(enterprise.source_region),
                   "".join(filter(None, (enterprise.province, enterprise.city))) or None,
                   "、".join(tag.tag for tag in enterprise.tags) or None,
                   enterprise.officer.display_name if enterprise.officer else None,
                   "、".join(leader.title for leader in in_charge.get(("enterprise", enterprise.id), [])) or None,
                   enterprise.last_contacted_on,
                   contact.name if contact else None, shown_phone(contact.mobile or contact.phone, full_contacts) if contact else None]


CATALOGUE_HEADERS = ["产业链", "链段", "环节", "短板标识", "关键技术", "目标企业", "统一社会信用代码", "来源地",
                     "所在地", "企业标签", "负责人", "包保领导", "最近对接", "联系人", "联系电话"]


def catalogue_sheet(user: User, chains: list[Chain], what: str, today: date, full_contacts: bool = False) -> Sheet:
    """The 招商目录 as a sheet to print and take along: a title, who exported it and when, the gap
    node's columns and the target's under two group headers."""
    return Sheet("招商目录", CATALOGUE_HEADERS, catalogue_rows(user, chains, full_contacts),
                 heading=f"招商目录（{what}）",
                 byline=(f"导出：{user.display_name}（{user.unit.name}）", f"导出日期：{today.isoformat()}"),
                 groups=[("短板环节", 0, 4), ("目标企业", 5, 14)])


def tree_sheet(chains: list[Chain]) -> Sheet:
    """A chain's node tree as the import reads it: one row per node, parents first, with its parent path."""
    rows = ([chain.name, Segment.label_of(node.segment), path_text(path_of(node.parent)) if node.parent else None,
             node.name, node.industry_codes, node.gap_label, node.description, node.key_technologies]
            for chain in chains for node, _depth in tree(chain.nodes))
    return Sheet("产业链环节", ["产业链", "链段", "上级环节", "环节", "国标行业代码", "短板标识", "描述", "关键技术"],
                 rows)


def node_options(user: User) -> list[tuple[int, str]]:
    """Every node of the chains the user sees, labelled "产业链 · 上级 / 环节", for a choice list.
    Read as plain rows and kept until a record changes: every list's filter bar asks for these,
    hundreds of nodes at a province."""
    return list(kept(("node_options", user.unit_id), lambda: _node_options(user)))  # a copy: callers add to it


def _node_options(user: User) -> list[tuple[int, str]]:
    chains = visible_chains(user)
    nodes: dict[int, list] = {}
    for row in db.session.execute(sa.select(ChainNode.id, ChainNode.parent_id, ChainNode.segment, ChainNode.name,
                                            ChainNode.chain_id)
                                  .where(ChainNode.chain_id.in_(chains.with_only_columns(Chain.id)))
                                  .order_by(ChainNode.id)):
        nodes.setdefault(row.chain_id, []).append(row)
    options = []
    for chain_id, chain_name in db.session.execute(chains.with_only_columns(Chain.id, Chain.name)
                                                   .order_by(Chain.cluster, Chain.name)):
        path: list[str] = []  # depth first, a node's path is the path before it cut to its depth
        for node, depth in tree(nodes.get(chain_id, [])):
            del path[depth:]
            path.append(node.name)
            options.append((node.id, f"{chain_name} · {path_text(tuple(path))}"))
    return options


def chain_options(user: User) -> list[tuple[int, str]]:
    return kept_rows(visible_chains(user).with_only_columns(Chain.id, Chain.name).order_by(Chain.name))


def chains_with_nodes(stmt: sa.Select) -> list[Chain]:
    return list(db.session.scalars(stmt.options(selectinload(Chain.unit), selectinload(Chain.nodes))
                                   .order_by(Chain.cluster, Chain.name)))


def statistics(scope: Scope, start: date, end: date, active_only: bool = False,
               figures: dict | None = None) -> list[tuple[Chain, dict]]:
    """Per chain the user sees: projects that first reached each stage within [start, end] and their
    协议投资, from dated records (``figures``: their ``chain_figures``, where they were kept).
    Chains with figures first, by signed amount; ``active_only`` leaves out the chains with none."""
    figures = chain_figures(scope, start, end) if figures is None else figures
    chains = db.session.scalars(visible_chains(scope.user).order_by(Chain.cluster, Chain.name)).all()
    empty = {stage: StageFigures() for stage in Stage}
    rows = [(chain, figures.get(chain.id, empty)) for chain in chains
            if not active_only or any(f.count for f in figures.get(chain.id, empty).values())]
    return sorted(rows, key=lambda row: -row[1][Stage.SIGNED].amount_wan)
