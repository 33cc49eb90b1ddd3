"""Importing a chain's node tree with the shared import machinery: one row per node, naming its
chain, its parent (a path from the top, "原酒酿造 / 勾调灌装", or just the parent's name when that
is unambiguous) and its own attributes, in any order — a parent may come after its children.

A node is known by its chain and its path: a row whose path exists updates that node (a blank
cell keeps the value), any other row adds one. The whole file is resolved before the first row
is planned, so a row under a missing parent, two rows for one node (a name twice under one parent)
and rows that are each other's parents (a cycle) are row errors that name the rows involved.
"""
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.chains import services
from app.excel import as_typed, fold
from app.extensions import db
from app.imports.services import BatchError, Importer, Plan, Problems, RowContext, register
from app.models import Chain, ChainNode, ImportRow, User
from app.models.enums import GapMark, Role, Segment
from app.models.labels import field_label

PATH_SPLIT = re.compile(r"\s*[/>→]\s*")  # NFKC folds ／ and ＞ into these
SEGMENTS = {**{s.label: s.value for s in Segment}, **{s.value: s.value for s in Segment}}
GAPS = {**{g.label: g.value for g in GapMark}, **{g.value: g.value for g in GapMark},
        "具备": "present", "已有": "present", "现有": "present", "缺失": "fill", "短板": "fill", "空白": "fill",
        "延伸": "extend"}
Path = tuple[str, ...]


@dataclass
class FileRow:
    number: str  # 第5行, or 片组一!5
    chain: Chain | None
    name: str
    parent_ref: Path  # the parent as the row names it: its path, or the end of it
    segment: str | None  # as given; None when blank
    values: dict  # gap, industry_codes, description, key_technologies as given (None when blank)
    error: str | None = None
    path: Path | None = None


class _Cycle(Exception):
    def __init__(self, rows: list[FileRow]):
        self.rows = rows


@dataclass
class Context(RowContext):
    by: User
    chains: dict[str, Chain] = field(default_factory=dict)  # the chains the user keeps, by name
    existing: dict[int, dict[Path, ChainNode]] = field(default_factory=dict)  # chain id → path → node
    rows: dict[str, FileRow] = field(default_factory=dict)
    first_row: dict[tuple[int, Path], FileRow] = field(default_factory=dict)  # (chain id, path) → its row
    created: dict[tuple[int, Path], ChainNode] = field(default_factory=dict)


def _text(value) -> str | None:
    """A cell as typed (trimmed), text or None."""
    return as_typed(str(value)) if value is not None else None


class ChainImporter(Importer):
    kind = "chains"
    label = "产业链环节"
    roles = (Role.ADMIN, Role.MANAGER)
    fields = {
        "chain": ("产业链", "产业链名称", "所属产业链"),
        "segment": ("链段", "上中下游", "产业链环节类别"),
        "parent": ("上级环节", "上级环节路径", "上级", "父环节", "上级节点"),
        "name": ("环节", "环节名称", "节点", "节点名称"),
        "industry_codes": ("国标行业代码", "行业代码", "国民经济行业代码", "GB/T 4754"),
        "gap": ("短板标识", "补链强链延链", "链条状态", "环节状态"),
        "description": ("描述", "环节描述", "说明"),
        "key_technologies": ("关键技术", "关键核心技术"),
    }
    required = {"chain", "name"}
    model = ChainNode
    record_label = "环节"
    notes = {"chain": "产业链须已在系统中建立", "segment": "顶层环节必填；下级环节随上级",
             "parent": "上级环节的路径（用 / 分隔）或名称；顶层环节不填", "gap": "不填为“已具备”",
             "industry_codes": "GB/T 4754 代码，多个用逗号分隔"}
    example = {"chain": "乳制品", "segment": "上游", "name": "奶牛养殖", "gap": "补链", "industry_codes": "A0311"}

    def choices(self, by: User) -> dict[str, list[str]]:
        chains = db.session.scalars(services.visible_chains(by))
        return {"segment": [s.label for s in Segment], "gap": [g.label for g in GapMark],
                "chain": [c.name for c in chains if services.may_edit(by, c)]}

    def begin(self, by: User) -> Context:
        context = Context(by=by)
        chains = db.session.scalars(services.visible_chains(by).options(selectinload(Chain.nodes)))
        for chain in chains:
            if services.may_edit(by, chain):
                context.chains[chain.name] = chain
                context.existing[chain.id] = {services.path_of(node): node for node in chain.nodes}
        return context

    def prepare(self, context: Context, rows: list[tuple[int, dict]]) -> None:
        named: dict[tuple[int, str], list[FileRow]] = {}
        for number, raw in rows:
            row = self._parse(number, raw, context)
            context.rows[number] = row
            if row.chain is not None and row.name:
                named.setdefault((row.chain.id, row.name), []).append(row)
        stack: list[FileRow] = []

        def resolve(row: FileRow) -> Path | None:
            """The row's path, or None when the row is in error (its message set)."""
            if row.path is not None or row.error:
                return row.path
            if row in stack:
                raise _Cycle(stack[stack.index(row):])
            stack.append(row)
            try:
                row.path = self._locate(row, named, context, resolve)
            except _Cycle as cycle:  # every frame from the cycle's first row up is on it
                ring = cycle.rows[1:] + cycle.rows[:1]
                links = "，".join(f"“{r.name}”的上级是“{up.name}”（{r.number}）" for r, up in zip(cycle.rows, ring))
                row.error = f"上下级形成循环：{links}"
                if row is not cycle.rows[0]:
                    raise
            finally:
                stack.pop()
            return row.path

        for row in context.rows.values():
            resolve(row)
        for row in context.rows.values():
            if row.error is None:
                first = context.first_row.setdefault((row.chain.id, row.path), row)
                if first is not row:
                    row.error = (f"与{first.number}是同一环节（“{services.path_text(row.path[:-1]) or '顶层'}”下"
                                 f"有两个“{row.name}”）")
        for row in context.rows.values():
            if row.error is None:
                self._check_segment(row, context)

    def _parse(self, number: str, raw: dict, context: Context) -> FileRow:
        chain_name, name = _text(raw.get("chain")), _text(raw.get("name")) or ""
        parent = _text(raw.get("parent"))
        row = FileRow(number, context.chains.get(chain_name or ""), name,
                      tuple(p for p in PATH_SPLIT.split(parent) if p) if parent else (), None,
                      {key: _text(raw.get(key)) for key in ("gap", "industry_codes", "description", "key_technologies")})
        segment = fold(str(raw["segment"])) if raw.get("segment") else None
        problems = Problems()  # every error of the row at once
        if row.chain is None:
            problems.append(f"产业链“{chain_name}”不存在，或不是您维护的产业链（请先在产业链页面新建）")
        if segment and segment.removesuffix("环节") not in SEGMENTS:
            problems.append(f"链段“{segment}”无法识别（上游 / 中游 / 下游）")
        if row.values["gap"] and fold(row.values["gap"]) not in GAPS:
            problems.append(f"短板标识“{row.values['gap']}”无法识别（已具备 / 强链 / 补链 / 延链）")
        problems.check(services.node_name, row.name)
        row.values["industry_codes"] = problems.check(services.industry_codes, row.values["industry_codes"])
        if problems:
            row.error = "；".join(problems)
        else:
            row.segment = SEGMENTS[segment.removesuffix("环节")] if segment else None
        return row

    @staticmethod
    def _locate(row: FileRow, named, context: Context, resolve) -> Path | None:
        """Find the row's parent among the chain's nodes and the file's rows; the row's path."""
        if not row.parent_ref:
            return (row.name,)
        ref, chain_id = row.parent_ref, row.chain.id
        paths = {path for path in context.existing[chain_id] if path[-len(ref):] == ref}
        broken = []
        for candidate in named.get((chain_id, ref[-1]), []):
            path = resolve(candidate)
            if path is None:
                broken.append(candidate)
            elif path[-len(ref):] == ref:
                paths.add(path)
        shown = services.path_text(ref)
        if len(paths) == 1:
            return next(iter(paths)) + (row.name,)
        if paths:
            options = "、".join(sorted(services.path_text(p) for p in paths))
            row.error = f"上级环节“{shown}”有多个同名环节（{options}），请写出完整路径"
        elif broken:
            row.error = f"上级环节“{shown}”所在的{broken[0].number}有错误"
        else:
            row.error = f"上级环节“{shown}”不存在（须是已有环节，或在本文件中列出）"
        return None

    def _segment_of(self, chain_id: int, path: Path, context: Context) -> str | None:
        row, node = context.first_row.get((chain_id, path)), context.existing[chain_id].get(path)
        if len(path) > 1:
            return self._segment_of(chain_id, path[:-1], context)
        return (row.segment if row is not None else None) or (node.segment if node is not None else None)

    def _check_segment(self, row: FileRow, context: Context) -> None:
        chain_id = row.chain.id
        if len(row.path) == 1:
            if self._segment_of(chain_id, row.path, context) is None:
                row.error = "顶层环节须填写链段（上游 / 中游 / 下游）"
            return
        parent_segment = self._segment_of(chain_id, row.path[:-1], context)
        if row.segment and row.segment != parent_segment:
            row.error = (f"链段“{Segment.label_of(row.segment)}”与上级环节“{row.path[-2]}”的链段"
                         f"（{Segment.label_of(parent_segment)}）不一致；下级环节随上级的链段")

    def _values(self, row: FileRow, context: Context) -> dict:
        """What the node at the row's path should hold: the row's cells, blanks keeping what it has."""
        node = context.existing[row.chain.id].get(row.path)
        values = {"name": row.name, "segment": self._segment_of(row.chain.id, row.path, context)}
        for key, given in row.values.items():
            if key == "gap" and given:
                given = GAPS[fold(given)]
            values[key] = given if given is not None else (getattr(node, key) if node is not None else None)
        values["gap"] = values["gap"] or GapMark.PRESENT
        return values

    def plan(self, raw: dict, where: str, context: Context) -> Plan:
        row = context.rows[where]
        if row.error:
            return Plan("error", row.error)
        values = self._values(row, context)
        node = context.existing[row.chain.id].get(row.path)
        if node is None:
            return Plan("create", values={"row": where})
        changed = [field_label("ChainNode", key) for key in services.NODE_FIELDS if getattr(node, key) != values[key]]
        return Plan("update" if changed else "unchanged", "、".join(changed) or None, node.id, {"row": where})

    def _node_at(self, chain: Chain, path: Path, context: Context, by: User) -> ChainNode:
        """The node at a path: existing, already written by this import, or written now (a child's
        row may come before its parent's)."""
        node = context.existing[chain.id].get(path) or context.created.get((chain.id, path))
        if node is None:
            parent = self._node_at(chain, path[:-1], context, by) if len(path) > 1 else None
            values = self._values(context.first_row[(chain.id, path)], context)
            node = services.save_node(by, chain, {**values, "parent": parent})
            context.created[(chain.id, path)] = node
        return node

    def apply(self, plan: Plan, context: Context, by: User) -> tuple[ChainNode, dict | None]:
        row = context.rows[plan.values["row"]]
        if plan.action == "create":
            return self._node_at(row.chain, row.path, context, by), None
        node = context.existing[row.chain.id][row.path]
        before = {key: getattr(node, key) for key in services.NODE_FIELDS}
        services.save_node(by, row.chain, {**self._values(row, context), "parent": node.parent}, node)
        return node, before

    def undo(self, row: ImportRow, node: ChainNode, by: User) -> None:
        if row.action == "update":
            services.save_node(by, node.chain, {**row.before, "parent": node.parent}, node)
            return
        created = dict(db.session.execute(sa.select(ImportRow.record_id, ImportRow.version_after).where(
            ImportRow.batch_id == row.batch_id, ImportRow.action == "create")).all())
        subtree = [node, *services.descendants(node)]
        for below in subtree:
            links = services.links_of(below)
            if created.get(below.id) != below.version or links.enterprises or links.projects:
                raise BatchError(f"第{row.row_number}行的环节“{node.name}”在导入后已有改动或新的关联"
                                 f"（{below.name}），不能撤销本批次（以免删除他人的修改）。")
        for below in reversed(subtree):  # children before their parents
            below.chain.nodes.remove(below)
            db.session.delete(below)
        db.session.flush()


register(ChainImporter())
