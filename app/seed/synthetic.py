"""Deterministic province-scale data for benchmarks and for looking at the app at scale.

Rows go in with bulk inserts (no ORM objects, so no audit trail: this is generated data).
The same --seed always gives the same rows. The demo org units are loaded first if missing.
"""
import math
import random
import time
from array import array
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app import tally
from app.activities.services import refresh_last_contacted
from app.audit_trail import insert_sealed
from app.bulk import analyze_tables, collector_off, indexes_deferred, insert_rows
from app.enterprises.search import index_new
from app.extensions import db
from app.models import (
    Activity,
    AuditLog,
    CapacityItem,
    CapacityRevision,
    CaseStep,
    Chain,
    ChainNode,
    Contact,
    Enterprise,
    EnterpriseNode,
    EnterpriseTag,
    FigureTally,
    FundEntry,
    Leader,
    LeaderLink,
    OrgUnit,
    Park,
    Project,
    ProjectProblem,
    StageEvent,
    Supervision,
    User,
    activity_enterprise,
    park_chain,
)
from app.models.enums import (
    CAPACITY_UNITS,
    ENTERPRISE_TAGS,
    ActivityKind,
    CapacityKind,
    CaseAction,
    Channel,
    EnterpriseStatus,
    FundOrigin,
    GapMark,
    NodeRole,
    ParkLevel,
    ProblemKind,
    ProblemStatus,
    ReviewStatus,
    Role,
    Segment,
    SourceRegion,
    Stage,
    SupervisionStatus,
    UnitKind,
)
from app.names import name_keys
from app.projects.services import refresh_facts
from app.projects.stages import DATE_COLUMNS, FORWARD
from app.seed.demo import DEMO_PASSWORD, load_demo
from app.standards import PLACEHOLDER_NAMES, USCC_ALPHABET, make_uscc, region_names

MARKER_CODE = "SYN-Z001"
NATION_CODE = "000000"
# What `flask seed synthetic --scale` writes unless an option says otherwise: a province (issue
# 19's figures: ~30k projects over five years, 100–400k enterprises, ~2,000 users) and 31 of them.
SCALES = {
    "province": {"provinces": 1, "enterprises": 100_000, "projects": 20_000, "activities": 300_000, "parks": 60,
                 "users": 2000},
    "national": {"provinces": 31, "enterprises": 3_000_000, "projects": 1_000_000, "activities": 5_000_000,
                 "parks": 1860, "users": 62_000},
}
# The tables written chunk by chunk: their indexes and keys deferred, their statistics taken once.
LOADED = (Enterprise, Contact, EnterpriseTag, EnterpriseNode, Project, StageEvent, FundEntry, Activity,
          activity_enterprise)
CHUNK = 100_000  # records made and written at a time: a national run stays in the memory of one chunk
START, END = date(2024, 1, 1), date(2026, 11, 20)
# Where projects stand today, as shares.
REACHED_COLUMNS = [prefix + column for prefix in ("", "approved_") for column in DATE_COLUMNS.values()]
CHAIN_NODES = 200  # one chain as big as the chain map must stay readable at
GAP_WEIGHTS = {GapMark.PRESENT: 50, GapMark.STRENGTHEN: 15, GapMark.FILL: 25, GapMark.EXTEND: 10}
ROLE_WEIGHTS = {NodeRole.TARGET: 60, NodeRole.LOCAL: 35, NodeRole.CHAIN_LEADER: 5}
NODE_LINK_SHARE = 0.1  # of enterprises, put on a chain node
STAGE_WEIGHTS = {Stage.NEGOTIATING: 40, Stage.SIGNED: 25, Stage.STARTED: 20, Stage.PRODUCING: 10,
                 Stage.TERMINATED: 3, Stage.ON_HOLD: 2}
PLACES = ["苏州", "无锡", "杭州", "宁波", "上海", "南京", "深圳", "广州", "东莞", "佛山", "北京", "天津",
          "青岛", "济南", "成都", "重庆", "西安", "郑州", "武汉", "长沙", "太原", "大同", "晋中", "运城"]
WORDS = ["华", "恒", "鑫", "达", "瑞", "泰", "盛", "宏", "远", "新", "中", "金", "德", "信", "安", "康", "丰",
         "源", "通", "博", "晋", "汇", "嘉", "润", "海", "天", "祥", "隆", "兴", "智", "诚", "正"]
TRADES = ["医药", "食品", "乳业", "酒业", "陶瓷", "玻璃", "纺织", "家电", "新材料", "智能装备", "生物科技",
          "包装", "物流", "电子", "化工", "汽车零部件", "纸业", "家具", "饮料", "农牧"]
SUFFIXES = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "科技有限公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"


def generate(*, enterprises: int, projects: int, activities: int, parks: int, seed: int, users: int = 0,
             audit: int = 0, provinces: int = 1) -> dict:
    started = time.perf_counter()
    if db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == MARKER_CODE)):
        raise ValueError("合成数据已存在；请在空数据库上生成。")
    load_demo()
    db.session.flush()
    with collector_off():  # millions of rows made and dropped, no cycles among them
        rng = random.Random(seed)
        gen = _Generator(rng)
        rows = gen.provinces(provinces)
        rows += gen.users(users)
        rows += gen.chain(CHAIN_NODES)
        rows += gen.parks(parks)
        with indexes_deferred(*LOADED, FigureTally):
            # The enterprises' ids first, their rows last: each is written with its last contact
            # among the visits made before it (an UPDATE of every enterprise after cost 112 s of a
            # country's load, its search column computed again for each row).
            gen.reserve_enterprises(enterprises)
            rows += gen.projects(projects)
            rows += gen.activities(activities)
            rows += gen.enterprises()
            analyze_tables(*LOADED)  # once, not after each chunk (a country's load ran ~260 of them)
            if not enterprises:  # the visits went to the enterprises already there
                refresh_last_contacted()
            refresh_facts()  # aggregate passes: cheaper before the indexes are made again
            tally.rebuild(db.session)
        rows += gen.cases()
        rows += gen.audit_log(audit)
    _reset_sequences()
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_second": round(rows / seconds, 1),
            "enterprises": enterprises, "projects": projects, "activities": activities, "parks": parks,
            "users": users, "audit": audit, "provinces": provinces}


def _password_hash(password: str) -> str:
    user = User()
    user.set_password(password)
    return user.password_hash


def _next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _reset_sequences() -> None:
    """Explicit ids bypass PostgreSQL's sequences; move them past the rows just written."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (AuditLog, User, OrgUnit, Chain, ChainNode, Park, CapacityItem, Enterprise, Contact, Project,
                  StageEvent, FundEntry, Activity, ProjectProblem, Supervision, CaseStep, Leader, LeaderLink):
        table = model.__tablename__
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"))


class _Generator:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = datetime(2026, 11, 20, tzinfo=UTC)
        self._read_units()
        self.node_ids = list(db.session.scalars(sa.select(ChainNode.id)))
        self.officer_ids = list(db.session.scalars(sa.select(User.id)))
        self.enterprise_ids: range | list[int] = []
        self.last_contact = array("i")  # per enterprise made here, its last visit's ordinal day (0: none)
        self.park_units: list[tuple[int, int]] = []  # (park id, unit id)
        self.project_ids: range | list[int] = []
        self.project_units: dict[int, int] = {}

    def _read_units(self) -> None:
        units = db.session.execute(sa.select(OrgUnit.id, OrgUnit.kind, OrgUnit.parent_id)).all()
        self.city_units = [u.id for u in units if u.kind == UnitKind.CITY]
        self.units = [u.id for u in units if u.kind not in (UnitKind.NATION, UnitKind.PROVINCE)]
        self.parents = {u.id: u.parent_id for u in units}

    def _day(self, start: date = START, end: date = END) -> date:
        return start + timedelta(days=self.rng.randrange(max((end - start).days, 0) + 1))

    def provinces(self, count: int) -> int:
        """A national install: the country at the root, above the demo's province and ``count - 1``
        more, each with its prefectures (as cities) and counties from GB/T 2260."""
        if count <= 1:
            return 0
        demo = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
        places = [(code, name) for code, name in region_names() if code < "710000" and code[:2] != demo.code[:2]]
        provinces = dict([(code, name) for code, name in places if code.endswith("0000")][: count - 1])
        ids = {NATION_CODE: _next_id(OrgUnit)}
        rows = [{"id": ids[NATION_CODE], "code": NATION_CODE, "name": "全国", "kind": UnitKind.NATION, "parent_id": None}]
        for code, name in places:  # parents first: each prefecture and county follows its province
            province = code[:2] + "0000"
            if province not in provinces or code in ids:  # 东莞市 is listed as its own county too
                continue
            if code == province:
                kind, parent = UnitKind.PROVINCE, NATION_CODE
            elif code.endswith("00"):
                kind, parent = UnitKind.CITY, province
            else:
                prefecture = code[:4] + "00"
                kind, parent = UnitKind.COUNTY, (prefecture if prefecture in ids else province)
            if name in PLACEHOLDER_NAMES:  # 市辖区: the municipality's own districts
                name = provinces[province] + name
            ids[code] = ids[NATION_CODE] + len(rows)
            rows.append({"id": ids[code], "code": code, "name": name, "kind": kind, "parent_id": ids[parent]})
        for row in rows:
            row.update(is_active=True, created_at=self.now, updated_at=self.now)
        written = insert_rows(OrgUnit, rows)
        demo.parent_id = ids[NATION_CODE]
        db.session.flush()
        self._read_units()
        return written

    def users(self, count: int) -> int:
        """Officers spread over the units below the provinces, an auditor in each city and county
        (``auditor`` + its code) to read its subtree's log, and at a national install a manager of
        the country (``manager000000``); all with the demo password."""
        if not count:
            return 0
        first, hashed = _next_id(User), _password_hash(DEMO_PASSWORD)
        units = db.session.execute(sa.select(OrgUnit.id, OrgUnit.code, OrgUnit.kind)
                                   .where(OrgUnit.id.in_(self.units))).all()
        rows = [{"username": f"officer{n:05d}", "display_name": f"{self.rng.choice(SURNAMES)}{self.rng.choice(GIVEN)}",
                 "role": Role.OFFICER, "unit_id": self.rng.choice(units).id} for n in range(count)]
        rows += [{"username": f"auditor{u.code}", "display_name": "审计管理员", "role": Role.AUDITOR, "unit_id": u.id}
                 for u in units if u.kind in (UnitKind.CITY, UnitKind.COUNTY)]
        nation = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == NATION_CODE))
        if nation:  # the one who sees the whole country
            rows.append({"username": f"manager{NATION_CODE}", "display_name": "全国管理员", "role": Role.MANAGER,
                         "unit_id": nation})
        for n, row in enumerate(rows):
            row.update(id=first + n, password_hash=hashed, password_changed_at=self.now)
        self.officer_ids += [row["id"] for row in rows if row["role"] == Role.OFFICER]
        return insert_rows(User, rows)

    def chain(self, count: int) -> int:
        """A province's chain of ``count`` nodes, three levels deep: 4 per segment at the top, 4 under
        each of those, the rest spread under the second level."""
        rng, chain_id, first = self.rng, _next_id(Chain), _next_id(ChainNode)
        province = db.session.scalar(sa.select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))
        chain = {"id": chain_id, "name": "合成产业链", "cluster": "合成集群", "leader": "合成链长", "unit_id": province,
                 "description": "合成数据：用于检验招商图谱在 200 个环节时的可读性与速度", "version": 1,
                 "created_at": self.now, "updated_at": self.now}
        nodes, gaps = [], list(GAP_WEIGHTS)
        for n in range(count):
            segment = list(Segment)[n % 3]
            if n < 12:
                parent = None
            elif n < 60:
                parent = nodes[(n - 12) // 4]
            else:
                parent = rng.choice(nodes[12:60])
            segment = parent["segment"] if parent else segment
            nodes.append({"id": first + n, "chain_id": chain_id, "parent_id": parent["id"] if parent else None,
                          "segment": segment, "name": f"合成环节{n + 1:03d}", "industry_codes": None,
                          "description": None, "key_technologies": None,
                          "gap": rng.choices(gaps, list(GAP_WEIGHTS.values()))[0], "version": 1,
                          "created_at": self.now, "updated_at": self.now})
        self.node_ids += [node["id"] for node in nodes]
        return insert_rows(Chain, [chain]) + insert_rows(ChainNode, nodes)

    def parks(self, count: int) -> int:
        existing = db.session.execute(sa.select(Park.id, Park.unit_id)).all()
        self.park_units = [tuple(p) for p in existing]
        unit_id, park_id = _next_id(OrgUnit), _next_id(Park)
        units, parks, items, links = [], [], [], []
        item_id = _next_id(CapacityItem)
        chain_ids = list(db.session.scalars(sa.select(Chain.id)))
        for n in range(max(count - len(existing), 0)):
            city = self.rng.choice(self.city_units)
            units.append({"id": unit_id, "code": f"SYN-Z{n + 1:03d}", "name": f"合成园区{n + 1:03d}",
                          "kind": UnitKind.ZONE, "parent_id": city, "is_active": True,
                          "created_at": self.now, "updated_at": self.now})
            parks.append({"id": park_id, "name": f"合成园区{n + 1:03d}", "unit_id": unit_id,
                          "level": self.rng.choice(list(ParkLevel)), "created_at": self.now, "updated_at": self.now,
                          "investment_intensity_wan_per_mu": Decimal(self.rng.choice([200, 250, 300, 350]))})
            links += [{"park_id": park_id, "chain_id": c} for c in self.rng.sample(chain_ids, min(2, len(chain_ids)))]
            for kind in (CapacityKind.LAND, CapacityKind.FACTORY, CapacityKind.ENERGY, CapacityKind.POWER,
                         CapacityKind.WATER):
                items.append({"id": item_id, "park_id": park_id, "kind": kind, "name": kind.label,
                              "total": Decimal(self.rng.randrange(500, 200000)), "unit": CAPACITY_UNITS[kind],
                              "as_of": date(2026, 10, 31), "created_at": self.now, "updated_at": self.now})
                item_id += 1
            self.park_units.append((park_id, unit_id))
            unit_id, park_id = unit_id + 1, park_id + 1
        # Each item's history starts with it, as the capacity service would have written it.
        revisions = [{"park_id": i["park_id"], "item_id": i["id"], "kind": i["kind"], "name": i["name"],
                      "total": i["total"], "unit": i["unit"], "as_of": i["as_of"], "removed": False,
                      "changed_at": self.now} for i in items]
        return (insert_rows(OrgUnit, units) + insert_rows(Park, parks) + insert_rows(CapacityItem, items)
                + insert_rows(park_chain, links) + insert_rows(CapacityRevision, revisions))

    def _company_name(self) -> str:
        rng = self.rng
        return (rng.choice(PLACES) + rng.choice(WORDS) + rng.choice(WORDS) + rng.choice(TRADES)
                + rng.choice(SUFFIXES))

    def _in_chunks(self, count: int, first: int, make) -> int:
        """``make(first_id, count)`` a chunk of CHUNK records at a time, each written before the next."""
        return sum(make(first + start, min(CHUNK, count - start)) for start in range(0, count, CHUNK))

    def reserve_enterprises(self, count: int) -> None:
        """The ids the enterprises will have (those already there when ``count`` is 0), for the
        projects and visits made before them; each one's last visit is noted as they are made."""
        first = _next_id(Enterprise)
        self.enterprise_ids = (range(first, first + count) if count
                               else list(db.session.scalars(sa.select(Enterprise.id))))
        self.last_contact = array("i", bytes(4 * count))

    def enterprises(self) -> int:
        ids = self.enterprise_ids
        return self._in_chunks(len(ids), ids[0], self._enterprises) if isinstance(ids, range) else 0

    def _enterprises(self, first: int, count: int) -> int:
        rng = self.rng
        regions = [r for r in SourceRegion if r != SourceRegion.OUT_OF_PROVINCE]  # as ledgers spread them
        statuses = [EnterpriseStatus.TARGET] * 5 + [EnterpriseStatus.CONTACTING] * 3 + [
            EnterpriseStatus.LANDED, EnterpriseStatus.ABANDONED]
        contacts, tags, links = [], [], []
        roles = list(ROLE_WEIGHTS)
        contact_id = _next_id(Contact)

        def made():
            """Each enterprise as the COPY takes it; its contacts, tags and chain links gathered."""
            nonlocal contact_id
            for ident in range(first, first + count):
                name = self._company_name()
                contacted = self.last_contact[ident - self.enterprise_ids[0]]
                # Four in five have a code; the body encodes the row number, so codes never repeat.
                uscc = None
                if rng.random() < 0.8:
                    body, k = "", ident
                    for _ in range(9):
                        body, k = USCC_ALPHABET[k % 31] + body, k // 31
                    uscc = make_uscc("91" + "14" + f"{rng.randrange(100, 9999):04d}" + body)
                stamp = datetime.combine(self._day(), datetime.min.time(), UTC)
                yield {
                    "id": ident, "name": name, **name_keys(name), "uscc": uscc,
                    "source_region": rng.choice(regions), "status": rng.choice(statuses),
                    "unit_id": rng.choice(self.units), "officer_id": rng.choice(self.officer_ids),
                    "revenue_wan": Decimal(int(math.exp(rng.uniform(math.log(100), math.log(5_000_000))))),
                    "employees": rng.randrange(10, 20000), "is_active": True, "version": 1,
                    "last_contacted_on": date.fromordinal(contacted) if contacted else None,
                    "created_at": stamp, "updated_at": stamp,
                }
                if rng.random() < 0.6:
                    contacts.append({"id": contact_id, "enterprise_id": ident,
                                     "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
                                     "title": rng.choice(["总经理", "董事长", "投资总监", "副总经理"]),
                                     "mobile": f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                                     "created_at": stamp, "updated_at": stamp})
                    contact_id += 1
                if rng.random() < 0.12:
                    for tag in rng.sample(ENTERPRISE_TAGS, rng.choice([1, 1, 2])):
                        tags.append({"enterprise_id": ident, "tag": tag})
                if rng.random() < NODE_LINK_SHARE:
                    links.append({"enterprise_id": ident, "node_id": rng.choice(self.node_ids),
                                  "role": rng.choices(roles, list(ROLE_WEIGHTS.values()))[0]})
        written = insert_rows(Enterprise, made(), analyze=False)
        index_new(db.session, list(range(first, first + count)))
        return (written + insert_rows(Contact, contacts, analyze=False)
                + insert_rows(EnterpriseTag, tags, analyze=False) + insert_rows(EnterpriseNode, links, analyze=False))

    def projects(self, count: int) -> int:
        first = _next_id(Project)
        written = self._in_chunks(count, first, self._projects)
        self.project_ids = range(first, first + count)
        return written

    def _projects(self, first: int, count: int) -> int:
        rng = self.rng
        event_id, fund_id = _next_id(StageEvent), _next_id(FundEntry)
        stages, weights = list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values())
        channels, origins = list(Channel), list(FundOrigin)
        events, funds = [], []

        def made():
            """Each project as the COPY takes it; its stage events and funds gathered."""
            nonlocal event_id, fund_id
            for ident in range(first, first + count):
                final = rng.choices(stages, weights)[0]
                reached = FORWARD[: FORWARD.index(final) + 1] if final in FORWARD else FORWARD[: rng.randrange(1, 3)]
                moves, day = [], self._day(START, END - timedelta(days=400))
                for stage in reached:
                    moves.append((stage, day))
                    day = min(day + timedelta(days=rng.randrange(20, 200)), END)
                if final not in FORWARD:
                    moves.append((final, day))
                agreed = Decimal(int(math.exp(rng.uniform(math.log(500), math.log(500_000)))))
                park_id, park_unit = rng.choice(self.park_units)
                in_park = final != Stage.NEGOTIATING or rng.random() < 0.3
                stamp = datetime.combine(moves[0][1], datetime.min.time(), UTC)
                # Some moves of the last 30 days wait for review; moves are approved in order.
                waiting = next((i for i, (_, day) in enumerate(moves) if day > END - timedelta(days=30)
                                and rng.random() < 0.5), len(moves))
                project = {
                    "id": ident, "name": f"{rng.choice(TRADES)}项目{ident}",
                    "investor_id": rng.choice(self.enterprise_ids),
                    "unit_id": park_unit if in_park else rng.choice(self.units),
                    "park_id": park_id if in_park else None,
                    "chain_node_id": rng.choice(self.node_ids) if self.node_ids else None,
                    "channel": rng.choice(channels), "agreed_investment_wan": agreed,
                    "total_investment_wan": agreed * Decimal("1.2"),
                    "land_mu": (agreed / 300).quantize(Decimal("0.01")),
                    "is_foreign": rng.random() < 0.05, "is_key": agreed >= 50000, "stage": final,
                    "source_region": rng.choice(PLACES), "version": 1, "created_at": stamp, "updated_at": stamp,
                    "stage_on": moves[-1][1], **dict.fromkeys(REACHED_COLUMNS),
                    **{DATE_COLUMNS[s]: day for s, day in moves if s in DATE_COLUMNS},
                    **{"approved_" + DATE_COLUMNS[s]: day for s, day in moves[:waiting] if s in DATE_COLUMNS},
                }
                self.project_units[ident] = project["unit_id"]
                yield project
                for index, (stage, effective_on) in enumerate(moves):
                    review = ReviewStatus.PENDING if index >= waiting else ReviewStatus.APPROVED
                    events.append({"id": event_id, "project_id": ident, "stage": stage, "effective_on": effective_on,
                                   "review_status": review, "recorded_at": stamp})
                    event_id += 1
                if final in (Stage.STARTED, Stage.PRODUCING):
                    month = moves[2][1].replace(day=1)
                    for _ in range(rng.randrange(1, 6)):
                        if month > END:
                            break
                        origin = rng.choice(origins)
                        amount = (agreed * Decimal(rng.uniform(0.02, 0.15))).quantize(Decimal("0.01"))
                        funds.append({"id": fund_id, "project_id": ident, "month": month, "origin": origin,
                                      "amount_wan": amount,
                                      "review_status": ReviewStatus.APPROVED, "recorded_at": stamp})
                        fund_id += 1
                        month = (month + timedelta(days=32)).replace(day=1)
        return (insert_rows(Project, made(), analyze=False) + insert_rows(StageEvent, events, analyze=False)
                + insert_rows(FundEntry, funds, analyze=False))

    def activities(self, count: int) -> int:
        return self._in_chunks(count, _next_id(Activity), self._activities)

    def _activities(self, first: int, count: int) -> int:
        rng = self.rng
        kinds = list(ActivityKind)
        links = []

        def made():
            """Each visit as the COPY takes it; its enterprise link gathered, the last contact noted."""
            for ident in range(first, first + count):
                day = self._day()
                stamp = datetime.combine(day, datetime.min.time(), UTC)
                yield {
                    "id": ident, "kind": rng.choice(kinds), "occurred_on": day, "unit_id": rng.choice(self.units),
                    "led_by_top_leader": rng.random() < 0.1,
                    "project_id": rng.choice(self.project_ids) if self.project_ids and rng.random() < 0.3 else None,
                    "summary": "对接洽谈投资意向", "recorded_by_id": rng.choice(self.officer_ids),
                    "next_follow_up_on": day + timedelta(days=rng.randrange(7, 60)) if rng.random() < 0.4 else None,
                    "created_at": stamp, "updated_at": stamp,
                }
                if self.enterprise_ids:
                    enterprise_id = rng.choice(self.enterprise_ids)
                    links.append({"activity_id": ident, "enterprise_id": enterprise_id})
                    if self.last_contact:
                        at = enterprise_id - self.enterprise_ids[0]
                        self.last_contact[at] = max(self.last_contact[at], day.toordinal())
        return insert_rows(Activity, made(), analyze=False) + insert_rows(activity_enterprise, links, analyze=False)

    def cases(self) -> int:
        """调度 at scale: a problem for one project in ten, a 督办 for one in twenty (each with its
        first step), a leader per city in charge of a project in fifty. The province's 考核 is the demo's."""
        rng, since = self.rng, date(END.year, 1, 1)
        problems, orders, steps, leaders, links = [], [], [], [], []
        problem_id, order_id, step_id = _next_id(ProjectProblem), _next_id(Supervision), _next_id(CaseStep)
        for project_id in rng.sample(self.project_ids, len(self.project_ids) // 10):
            unit, raised = self.project_units[project_id], self._day(since, END)
            status = rng.choices(list(ProblemStatus), [40, 20, 10, 30])[0]
            problems.append({"id": problem_id, "project_id": project_id, "unit_id": unit, "handler_unit_id": unit,
                             "kind": rng.choice(list(ProblemKind)), "description": "项目推进中遇到的困难",
                             "status": status, "due_on": raised + timedelta(days=15), "raised_on": raised,
                             "closed_on": min(raised + timedelta(days=rng.randrange(5, 40)), END)
                             if status == ProblemStatus.CLOSED else None, "escalations": 0, "version": 1,
                             "created_at": self.now, "updated_at": self.now})
            steps.append({"id": step_id, "owner_type": "problem", "owner_id": problem_id, "action": CaseAction.RAISE,
                          "happened_on": raised, "at": self.now})
            problem_id, step_id = problem_id + 1, step_id + 1
        for project_id in rng.sample(self.project_ids, len(self.project_ids) // 20):
            unit, issued = self.project_units[project_id], self._day(since, END)
            due, status = issued + timedelta(days=14), rng.choices(list(SupervisionStatus), [40, 15, 45])[0]
            orders.append({"id": order_id, "task": "请加快推进并报告进展", "project_id": project_id, "unit_id": unit,
                           "issuer_unit_id": self.parents.get(unit) or unit, "issued_on": issued, "due_on": due,
                           "status": status, "closed_on": min(due + timedelta(days=rng.randrange(-10, 10)), END)
                           if status == SupervisionStatus.CLOSED else None, "version": 1,
                           "created_at": self.now, "updated_at": self.now})
            steps.append({"id": step_id, "owner_type": "supervision", "owner_id": order_id, "action": CaseAction.ISSUE,
                          "happened_on": issued, "at": self.now})
            order_id, step_id = order_id + 1, step_id + 1
        leader_id, link_id = _next_id(Leader), _next_id(LeaderLink)
        for n, unit in enumerate(self.city_units):
            leaders.append({"id": leader_id + n, "name": f"{SURNAMES[n % len(SURNAMES)]}{GIVEN[n % len(GIVEN)]}", "post": "副市长",
                            "unit_id": unit, "is_active": True, "version": 1, "created_at": self.now,
                            "updated_at": self.now})
        for n, project_id in enumerate(rng.sample(self.project_ids, len(self.project_ids) // 50) if leaders else []):
            links.append({"id": link_id + n, "leader_id": rng.choice(leaders)["id"], "project_id": project_id,
                          "created_at": self.now})
        return (insert_rows(ProjectProblem, problems) + insert_rows(Supervision, orders) + insert_rows(CaseStep, steps)
                + insert_rows(Leader, leaders) + insert_rows(LeaderLink, links))

    def audit_log(self, count: int) -> int:
        """The trail of years of work, oldest first and sealed as a chain: the officers' edits of
        projects, enterprises and visits, their logins and exports, now and then a denied attempt."""
        if not count:
            return 0
        rng, first = self.rng, _next_id(AuditLog)
        started = datetime.combine(START, datetime.min.time(), UTC)
        step = (datetime.combine(END, datetime.min.time(), UTC) - started) / count
        kinds = [("update", "Project", {"stage": ["signed", "started"], "remark": [None, "已落实用地"]}),
                 ("create", "Activity", {"kind": [None, "visit"], "summary": [None, "对接洽谈投资意向"]}),
                 ("update", "Enterprise", {"phone": ["0351-1234567", "0351-7654321"]}),
                 ("create", "FundEntry", {"amount_wan": [None, "1200.00"], "month": [None, "2025-06-01"]}),
                 ("delete", "Contact", {"name": ["王伟", None], "mobile": ["13800000000", None]}),
                 ("login", "User", {"ip": "10.1.2.3"}), ("export", "Project", {"rows": "1200"}),
                 ("denied", "Project", {"attempt": "修改其他单位的项目"})]
        weights = [40, 25, 15, 8, 2, 6, 3, 1]

        def rows():
            for n in range(count):
                action, record_type, changes = rng.choices(kinds, weights)[0]
                yield {"id": first + n, "at": started + step * (n + rng.random()), "user_id": rng.choice(self.officer_ids),
                       "action": action, "record_type": record_type, "record_id": rng.randrange(1, 100_000),
                       "record_label": f"{rng.choice(PLACES)}{rng.choice(TRADES)}项目", "changes": changes}

        return insert_sealed(db.session, rows())
