"""Builders for test data. They add and flush; the caller commits."""
import io
import itertools
import re
import socket
import time
from datetime import date
from decimal import Decimal
from functools import lru_cache

from werkzeug.datastructures import FileStorage
from werkzeug.security import generate_password_hash

from app.attachments.services import store
from app.extensions import db
from app.imports.services import claim, claim_undo, commit, run, undo
from app.models import (
    Activity,
    ApiToken,
    AssessmentItem,
    AssessmentScheme,
    CapacityItem,
    Chain,
    ChainNode,
    Contact,
    Enterprise,
    Event,
    FundEntry,
    ImportBatch,
    Leader,
    LeaderLink,
    Notification,
    OrgUnit,
    Park,
    Project,
    ProjectProblem,
    SavedView,
    StageEvent,
    Supervision,
    Target,
    UsccException,
    User,
    Webhook,
    WebhookDelivery,
)
from app.models.enums import (
    ActivityKind,
    EventKind,
    FundOrigin,
    GapMark,
    ReviewStatus,
    Role,
    Segment,
    Stage,
    TargetIndicator,
    UnitKind,
)
from app.projects.stages import derive

PASSWORD = "Test-pass-2026"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
_serial = itertools.count(1)


@lru_cache
def form_version(client, url: str) -> str:
    """The record version the form at ``url`` carries, as a browser would send it back."""
    return re.search(r'name="version"[^>]*value="(\d+)"', client.get(url).get_data(as_text=True)).group(1)


def password_hash() -> str:
    """Hashing is slow on purpose; tests share one hash of PASSWORD."""
    return generate_password_hash(PASSWORD, method="scrypt")


def make_unit(code: str, name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    unit = OrgUnit(code=code, name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(role: str, unit_id: int, **fields) -> User:
    park_id = fields.pop("park_id", None)
    if role == Role.PARK_ADMIN and park_id is None:
        park_id = db.session.scalar(db.select(Park.id).where(Park.unit_id == unit_id)) or make_park(unit_id).id
    username = fields.pop("username", f"{role}{next(_serial)}")
    user = User(username=username, display_name=fields.pop("display_name", username), role=role, unit_id=unit_id,
                park_id=park_id, password_hash=password_hash(), **fields)
    db.session.add(user)
    db.session.flush()
    return user


def make_park(unit_id: int, name: str | None = None) -> Park:
    park = Park(name=name or f"测试园区{next(_serial)}", unit_id=unit_id)
    db.session.add(park)
    db.session.flush()
    return park


def make_enterprise(unit_id: int, name: str | None = None, **fields) -> Enterprise:
    name = name or f"测试企业{next(_serial)}有限公司"
    enterprise = Enterprise(name=name, unit_id=unit_id, **fields)
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def make_project(unit_id: int, name: str | None = None, **fields) -> Project:
    project = Project(name=name or f"测试项目{next(_serial)}", unit_id=unit_id,
                      agreed_investment_wan=fields.pop("agreed_investment_wan", Decimal(10000)), **fields)
    db.session.add(project)
    db.session.flush()
    return project


EARLY_CODE = "91140000MA0099999X"  # fails the check; the world lists it as a verified exception


def build_world() -> dict[str, int]:
    root = make_unit("P", "测试省", UnitKind.PROVINCE)
    city_a = make_unit("A", "甲市", UnitKind.CITY, root)
    zone_a = make_unit("A-Z", "甲园区", UnitKind.ZONE, city_a)
    city_b = make_unit("B", "乙市", UnitKind.CITY, root)
    park = make_park(zone_a.id, "甲园区")
    land = CapacityItem(park=park, kind="land", name="可供工业用地", total=Decimal(100), unit="亩",
                        as_of=date(2026, 1, 1))
    db.session.add(land)
    enterprise = make_enterprise(city_a.id, "甲市示例企业有限公司")
    project = make_project(zone_a.id, "甲园区示例项目", investor_id=enterprise.id, park_id=park.id)
    for stage, day in ((Stage.NEGOTIATING, date(2026, 1, 10)), (Stage.SIGNED, date(2026, 2, 1))):
        db.session.add(StageEvent(project=project, stage=stage, effective_on=day, review_status=ReviewStatus.APPROVED))
    db.session.flush()
    derive(project, project.stage_events)
    fund = FundEntry(project=project, month=date(2026, 3, 1), origin=FundOrigin.LOCAL, amount_wan=Decimal(500))
    target = Target(year=2026, unit_id=city_a.id, indicator=TargetIndicator.SIGNED_COUNT, value=Decimal(3))
    db.session.add_all([fund, target])
    chain = Chain(name="测试产业链", cluster="测试集群", unit_id=city_a.id)
    db.session.add(chain)
    node = ChainNode(chain=chain, segment=Segment.UPSTREAM, name="原料", gap=GapMark.FILL)
    db.session.add(node)
    activity = Activity(kind=ActivityKind.VISIT, occurred_on=date(2026, 3, 1), unit_id=city_a.id,
                        enterprises=[enterprise])
    db.session.add(activity)
    event = Event(name="测试推介会", kind=EventKind.PROMOTION, starts_on=date(2026, 3, 2), unit_id=city_a.id)
    db.session.add(event)
    contact = Contact(enterprise=enterprise, name="王经理", mobile="13800138000")
    db.session.add(contact)
    db.session.flush()
    a_user = make_user(Role.OFFICER, city_a.id, username="a_officer")
    attachment = store([FileStorage(io.BytesIO(PNG), filename="现场.png")], "Activity", activity.id, a_user)[0]
    notification = Notification(user_id=a_user.id, kind="review", text="测试通知", url="/projects/", key="test")
    view = SavedView(user_id=a_user.id, endpoint="projects.index", name="测试视图", query="stage=signed")
    db.session.add_all([notification, view])
    batch = ImportBatch(kind="enterprises", filename="台账.xlsx", unit_id=city_a.id, counts={}, status="previewed")
    exception = UsccException(code=EARLY_CODE, note="核对营业执照原件", unit_id=city_a.id)
    db.session.add_all([batch, exception])
    leader = Leader(name="张副市长", post="副市长", unit_id=city_a.id)
    problem = ProjectProblem(project=project, unit_id=zone_a.id, handler_unit_id=zone_a.id, kind="land",
                             description="用地指标不足", due_on=date(2026, 4, 1), raised_on=date(2026, 3, 1),
                             raised_by_id=a_user.id)
    db.session.add_all([leader, problem])
    db.session.flush()
    leader_link = LeaderLink(leader_id=leader.id, project_id=project.id)
    order = Supervision(task="请说明签约未开工原因", project_id=project.id, unit_id=zone_a.id, issuer_unit_id=city_a.id,
                        issued_on=date(2026, 3, 1), due_on=date(2026, 3, 15))
    scheme = AssessmentScheme(unit_id=city_a.id, year=2026, name="甲市2026年招商引资考核办法", items=[
        AssessmentItem(indicator=TargetIndicator.SIGNED_COUNT, weight=Decimal(100), method="rate", cap=Decimal(1))])
    token = ApiToken(user_id=a_user.id, name="测试令牌", token_hash="0" * 64, prefix="zsk_test", expires_on=date(2099, 1, 1))
    hook = Webhook(unit_id=city_a.id, url="http://127.0.0.1:9/hook", secret="0" * 64, events=["stage.approved"])
    db.session.add_all([leader_link, order, scheme, token, hook])
    db.session.flush()
    delivery = WebhookDelivery(webhook_id=hook.id, event="stage.approved", key="test", payload={}, status="failed")
    db.session.add(delivery)
    db.session.flush()
    return {"root_unit_id": root.id, "a_unit_id": city_a.id, "a_zone_unit_id": zone_a.id, "b_unit_id": city_b.id,
            "park_id": park.id, "enterprise_id": enterprise.id, "project_id": project.id, "chain_id": chain.id,
            "node_id": node.id, "a_user_id": a_user.id, "contact_id": contact.id, "activity_id": activity.id,
            "attachment_id": attachment.id, "batch_id": batch.id, "event_id": event.id,
            "stage_event_id": project.stage_events[-1].id, "fund_id": fund.id, "target_id": target.id,
            "capacity_item_id": land.id, "uscc_exception_id": exception.id,
            "notification_id": notification.id, "view_id": view.id, "leader_id": leader.id,
            "leader_link_id": leader_link.id, "problem_id": problem.id, "supervision_id": order.id,
            "scheme_id": scheme.id, "token_id": token.id, "webhook_id": hook.id, "delivery_id": delivery.id}


def make_uscc_for(seed: str) -> str:
    from app.seed.demo import demo_uscc

    return demo_uscc(seed, "140100")


def commit_batch(batch, user, skip_errors: bool = False):
    """Commit a previewed import batch as the web page does: claim it, then write its rows."""
    claim(batch.id, skip_errors, confirmed=True)
    return run(commit(batch, user))


def undo_batch(batch, user):
    """Undo a committed import batch as the web page does: claim it, then take its rows back."""
    claim_undo(batch.id)
    return undo(batch, user)


def wait_for(condition, seconds: float = 60, what: str = "it"):
    """``condition()``'s first truthy result, asked every tenth of a second; AssertionError after
    ``seconds`` (work done by other processes: a queue worker, an app node)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def free_port() -> int:
    """A port on the loopback that nothing listens on now (for a server a test or bench starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
