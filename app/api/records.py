"""The records, read: each list is the page's own search (its filters, scope and order) read by
cursor (app/api/paging.py); each record is the one its page shows, found through the one scope
function, so a token sees exactly what its user sees on the pages."""
from datetime import date

import sqlalchemy as sa
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload

from app.activities import services as activity_services
from app.activities.forms import ActivityFilterForm
from app.api import bp, paging
from app.api.schemas import (
    Amount,
    ApiSchema,
    UnitRef,
    UtcDateTime,
    body,
    described,
    month_field,
    page_of,
    query,
    record,
)
from app.api.writes import etag
from app.assessment import services as assessment_services
from app.attachments import routes as attachment_routes
from app.attachments import services as attachment_services
from app.audit import services as audit_services
from app.audit.forms import AuditFilterForm
from app.auth.decorators import roles_required
from app.auth.scope import get_scoped_or_404, scoped
from app.chains import services as chain_services
from app.enterprises import services as enterprise_services
from app.enterprises.forms import EnterpriseFilterForm
from app.events import services as event_services
from app.events.forms import EventFilterForm
from app.extensions import db
from app.models import (
    Activity,
    AssessmentItem,
    AssessmentScheme,
    Attachment,
    AuditLog,
    CapacityItem,
    Chain,
    ChainNode,
    Contact,
    Enterprise,
    Event,
    FundEntry,
    Park,
    Project,
    StageEvent,
    Target,
)
from app.models.enums import ReviewStatus, Role
from app.parks import services as park_services
from app.personal import MASKS
from app.projects import services as project_services
from app.projects import warnings
from app.projects.forms import ProjectFilterForm, QueueFilterForm
from app.web import list_order, problem

EnterpriseRef = record(Enterprise, "id name uscc", name="EnterpriseRef")
ProjectRef = record(Project, "id name stage unit_id", name="ProjectRef")
EnterpriseOut = record(
    Enterprise, "id name uscc province city source_region industry_code revenue_wan employees status unit_id "
                "officer_id last_contacted_on is_active merged_into_id notes version created_at updated_at",
    tags=described(fields.List, "标签", cls_or_instance=fields.String(), attribute="tag_names"))
ContactOut = record(Contact, "id name title mobile phone email wechat", name="MaskedContact")
ProjectOut = record(
    Project, "id name content park_id chain_node_id unit_id responsible_person channel total_investment_wan "
             "agreed_investment_wan phase1_investment_wan is_foreign source_region land_mu factory_m2 is_key "
             "stage stage_on negotiating_on signed_on registered_on started_on producing_on terminated_on "
             "approved_negotiating_on approved_signed_on approved_registered_on approved_started_on "
             "approved_producing_on approved_terminated_on last_activity_on follow_up_due_on funds_wan problems "
             "next_steps version created_at updated_at",
    investor=described(fields.Nested, "投资方（目标企业库中的企业）", nested=EnterpriseRef, allow_none=True),
    unit=described(fields.Nested, "责任单位", nested=UnitRef))
StageEventOut = record(StageEvent, "id stage effective_on month_only note supersedes_id withdrawn company_name "
                                   "registered_capital_wan review_status recorded_at reviewed_at review_opinion version")
FundOut = record(FundEntry, "id month origin amount_wan amount_usd_wan evidence review_status recorded_at reviewed_at "
                            "review_opinion version")
AttachmentOut = record(Attachment, "id owner_type owner_id name content_type size uploaded_at")
ActivityOut = record(
    Activity, "id kind occurred_on unit_id participants led_by_top_leader project_id summary outcome next_step "
              "next_follow_up_on follow_up_done_at recorded_by_id version created_at updated_at",
    enterprises=described(fields.List, "对接企业", cls_or_instance=fields.Nested(EnterpriseRef)))
EventOut = record(Event, "id name kind starts_on ends_on place unit_id leaders version created_at updated_at")
ParkOut = record(Park, "id name level city unit_id area_km2 leading_industries address investment_intensity_wan_per_mu "
                       "tax_per_mu_wan plot_ratio_min plot_ratio_max energy_per_unit_max version updated_at")
CapacityOut = record(CapacityItem, "kind name total unit as_of notes standard_land_mu floor_height_m floor_load_kn_m2",
                     name="CapacityLine")
ChainOut = record(Chain, "id name cluster leader unit_id description version updated_at")
NodeOut = record(ChainNode, "id chain_id parent_id segment name industry_codes description key_technologies gap version")
TargetOut = record(Target, "id year unit_id chain_id indicator value version updated_at")

EnterpriseQuery = query(EnterpriseFilterForm, Enterprise, "EnterpriseQuery")
ProjectQuery = query(ProjectFilterForm, Project, "ProjectQuery")
ActivityQuery = query(ActivityFilterForm, Activity, "ActivityQuery")
EventQuery = query(EventFilterForm, Event, "EventQuery")
ParkQuery = query(None, Park, "ParkQuery")
AuditOut = record(AuditLog, "id seq at user_id action record_type record_id record_label row_hash", name="AuditEntry",
                  changes=described(fields.Function, "所改内容：字段 → [原值, 新值]（或说明）；联系人与用户的号码已脱敏",
                                    serialize=audit_services.shown_changes))
AuditQuery = query(AuditFilterForm, AuditLog, "AuditQuery")
QueueQuery = body(QueueFilterForm, "ReviewQueueQuery")
TargetQuery = query(None, Target, "TargetQuery", year=described(
    fields.Integer, "年度", validate=validate.Range(min=2000, max=2100, error="应在 {min} 到 {max} 之间。")))


class EnterpriseDetail(ApiSchema):
    enterprise = described(fields.Nested, "企业", nested=EnterpriseOut)
    contacts = described(fields.List, "联系人：手机、电话、邮箱、微信均已脱敏（查看完整信息须在页面上申请，并记入审计）",
                         cls_or_instance=fields.Nested(ContactOut))


class ProjectDetail(ApiSchema):
    project = described(fields.Nested, "项目", nested=ProjectOut)
    stage_events = described(fields.List, "阶段变动记录（含待审核、已退回与被更正的）", cls_or_instance=fields.Nested(StageEventOut))
    funds = described(fields.List, "到位资金记录", cls_or_instance=fields.Nested(FundOut))
    attachments = described(fields.List, "阶段变动与到位资金的佐证附件（下载：/api/v1/attachments/{id}）",
                            cls_or_instance=fields.Nested(AttachmentOut))
    warnings = described(fields.List, "当前预警", cls_or_instance=fields.String())


class WarningItem(ApiSchema):
    project = described(fields.Nested, "项目", nested=ProjectRef)
    reasons = described(fields.List, "预警原因", cls_or_instance=fields.String())


class WarningPage(ApiSchema):
    counts = described(fields.Dict, "数据范围内（按所给筛选）各类预警的项目数：" + "、".join(
        f"{rule.key} {rule.label}" for rule in warnings.RULES), keys=fields.String(), values=fields.Integer())
    items = described(fields.List, "本页有预警的项目及原因", cls_or_instance=fields.Nested(WarningItem))
    next_cursor = described(fields.String, "下一页的游标；为空表示已到最后一页", allow_none=True)


class ParkDetail(ApiSchema):
    park = described(fields.Nested, "园区", nested=ParkOut)
    as_of = described(fields.Date, "清单所截至的日期（为空表示当前清单）", allow_none=True)
    capacity = described(fields.List, "要素保障能力清单", cls_or_instance=fields.Nested(CapacityOut))


class ChainDetail(ApiSchema):
    chain = described(fields.Nested, "产业链", nested=ChainOut)
    nodes = described(fields.List, "环节（以 parent_id 构成树）", cls_or_instance=fields.Nested(NodeOut))
    targets = described(fields.List, "数据范围内各单位该产业链的目标任务", cls_or_instance=fields.Nested(TargetOut))


class AsOf(ApiSchema):
    as_of = described(fields.Date, "截至日期（YYYY-MM-DD）：该日的清单；不带则为当前清单")


@bp.route("/enterprises")
@roles_required()
@bp.arguments(EnterpriseQuery, location="query")
@bp.response(200, page_of(EnterpriseOut, "EnterprisePage"))
def enterprises(args):
    """企业列表

    与“招商目标企业库”页面相同的筛选、范围与排序，按游标分页。"""
    f = paging.filters(args)
    stmt = enterprise_services.search(current_user, f, for_page=True).options(selectinload(Enterprise.tags))
    return paging.page(stmt, Enterprise, f, "created_at")


@bp.route("/enterprises/<int:enterprise_id>")
@roles_required()
@bp.response(200, EnterpriseDetail)
def enterprise(enterprise_id: int):
    """企业及其联系人（脱敏；ETag 为企业的版本号）"""
    found = get_scoped_or_404(Enterprise, enterprise_id, current_user)
    contacts = [{"id": c.id, "name": c.name, "title": c.title,
                 **{key: MASKS[key](getattr(c, key)) for key in MASKS}} for c in found.contacts]
    return {"enterprise": found, "contacts": contacts}, 200, etag(found)


@bp.route("/projects")
@roles_required()
@bp.arguments(ProjectQuery, location="query")
@bp.response(200, page_of(ProjectOut, "ProjectPage"))
def projects(args):
    """项目列表

    与“招商项目”页面相同的筛选、范围与排序，按游标分页；每个项目带其投资方与责任单位。"""
    f = paging.filters(args)
    stmt = project_services.search(current_user, f, date.today()).options(
        selectinload(Project.investor), selectinload(Project.unit))
    return paging.page(stmt, Project, f, "stage_on")


@bp.route("/projects/<int:project_id>")
@roles_required()
@bp.response(200, ProjectDetail)
def project(project_id: int):
    """项目及其阶段变动、到位资金、附件与预警（ETag 为项目的版本号，阶段变动时以 If-Match 带上）"""
    found = get_scoped_or_404(Project, project_id, current_user)
    events = project_services.events_of(found)
    funds = db.session.scalars(sa.select(FundEntry).where(FundEntry.project_id == found.id)
                               .order_by(FundEntry.month.desc(), FundEntry.id.desc())).all()
    files = attachment_services.files_of({"StageEvent": [e.id for e in events], "FundEntry": [f.id for f in funds]})
    return {"project": found, "stage_events": events, "funds": funds,
            "attachments": [f for found_files in files.values() for f in found_files],
            "warnings": warnings.of_project(found, date.today())}, 200, etag(found)


@bp.route("/attachments/<int:attachment_id>")
@roles_required()
@bp.response(200, description="附件文件本身（其记录在数据范围内时）；下载记入审计")
def attachment(attachment_id: int):
    """下载附件"""
    return attachment_routes.download(attachment_id)


@bp.route("/warnings")
@roles_required()
@bp.arguments(ProjectQuery, location="query")
@bp.response(200, WarningPage)
def warning_list(args):
    """预警项目

    有预警的项目及原因（筛选同项目列表；warning 为某一类预警时只列该类），以及各类预警的项目数。"""
    today = date.today()
    f = {**paging.filters(args), "warning": args.get("warning") or "1"}
    listed = paging.page(project_services.search(current_user, f, today), Project, f, "stage_on")
    reasons = warnings.of_projects([p.id for p in listed["items"]], today)
    counts = warnings.counts(project_services.search(current_user, {**f, "warning": None}, today), today)
    return {"counts": counts,
            "items": [{"project": p, "reasons": reasons.get(p.id, [])} for p in listed["items"]],
            "next_cursor": listed["next_cursor"]}


@bp.route("/activities")
@roles_required()
@bp.arguments(ActivityQuery, location="query")
@bp.response(200, page_of(ActivityOut, "ActivityPage"))
def activities(args):
    """对接记录列表"""
    f = paging.filters(args)
    stmt = activity_services.search(current_user, f).options(selectinload(Activity.enterprises))
    return paging.page(stmt, Activity, f, "occurred_on")


@bp.route("/activities/<int:activity_id>")
@roles_required()
@bp.response(200, ActivityOut)
def activity(activity_id: int):
    """一条对接记录（ETag 为其版本号）"""
    found = get_scoped_or_404(Activity, activity_id, current_user)
    return found, 200, etag(found)


@bp.route("/events")
@roles_required()
@bp.arguments(EventQuery, location="query")
@bp.response(200, page_of(EventOut, "EventPage"))
def events(args):
    """招商活动列表"""
    f = paging.filters(args)
    return paging.page(event_services.search(current_user, f), Event, f, "starts_on")


@bp.route("/parks")
@roles_required()
@bp.arguments(ParkQuery, location="query")
@bp.response(200, page_of(ParkOut, "ParkPage"))
def parks(args):
    """园区列表"""
    f = paging.filters(args)
    stmt = scoped(sa.select(Park), current_user, Park.unit_id)
    return paging.page(list_order(stmt, Park, f, "id"), Park, f, "id")


@bp.route("/parks/<int:park_id>")
@roles_required()
@bp.arguments(AsOf, location="query")
@bp.response(200, ParkDetail)
def park(args, park_id: int):
    """园区及其要素保障能力清单（可取某日的清单）"""
    found = get_scoped_or_404(Park, park_id, current_user)
    on = args.get("as_of")
    return {"park": found, "as_of": on, "capacity": park_services.items_as_of(found, on) if on else found.capacity_items}


@bp.route("/chains")
@roles_required()
@bp.response(200, page_of(ChainOut, "ChainList"))
def chains():
    """产业链列表（本单位、下级及上级单位的产业链）"""
    return {"items": db.session.scalars(chain_services.visible_chains(current_user).order_by(Chain.id)).all(),
            "next_cursor": None}


@bp.route("/chains/<int:chain_id>")
@roles_required()
@bp.response(200, ChainDetail)
def chain(chain_id: int):
    """产业链及其环节、目标任务"""
    found = get_scoped_or_404(Chain, chain_id, current_user, inherited=True)
    targets = db.session.scalars(scoped(sa.select(Target).where(Target.chain_id == found.id), current_user, Target.unit_id)
                                 .order_by(Target.year.desc(), Target.unit_id, Target.indicator)).all()
    return {"chain": found, "nodes": found.nodes, "targets": targets}


@bp.route("/targets")
@roles_required()
@bp.arguments(TargetQuery, location="query")
@bp.response(200, page_of(TargetOut, "TargetPage"))
def targets(args):
    """目标任务"""
    f = paging.filters(args)
    stmt = scoped(sa.select(Target), current_user, Target.unit_id)
    if args.get("year"):
        stmt = stmt.where(Target.year == args["year"])
    return paging.page(list_order(stmt, Target, f, "id"), Target, f, "id")


class QueueItem(ApiSchema):
    kind = described(fields.String, "类别：stage 阶段变动、fund 到位资金")
    id = described(fields.Integer, "记录编号（阶段变动或到位资金的）")
    version = described(fields.Integer, "版本号")
    project = described(fields.Nested, "项目", nested=ProjectRef)
    stage = described(fields.String, "阶段（阶段变动）", allow_none=True)
    effective_on = described(fields.Date, "发生日期（阶段变动）", allow_none=True)
    month = described(fields.Date, "月份（到位资金，当月 1 日）", allow_none=True)
    amount_wan = described(Amount, "金额（万元，到位资金）", allow_none=True)
    review_status = described(fields.String, "审核状态：pending 待审核、rejected 已退回")
    recorded_at = described(UtcDateTime, "登记时间")


class QueueList(ApiSchema):
    items = described(fields.List, "待审核（或已退回）的记录，先登记的在前；每类至多 500 条", cls_or_instance=fields.Nested(QueueItem))


@bp.route("/review-queue")
@roles_required(Role.ADMIN, Role.MANAGER)
@bp.arguments(QueueQuery, location="query")
@bp.response(200, QueueList)
def review_queue(args):
    """审核队列

    与“审核”页面相同：数据范围内待审核（或已退回）的阶段变动与到位资金。"""
    records = project_services.review_queue(
        current_user, args.get("kind"), args.get("unit_id"), int(args["older_than"]) if args.get("older_than") else None,
        args.get("status") or ReviewStatus.PENDING, date.today())
    return {"items": [{"kind": "stage" if isinstance(r, StageEvent) else "fund", "id": r.id, "version": r.version,
                       "project": r.project, "stage": getattr(r, "stage", None),
                       "effective_on": getattr(r, "effective_on", None), "month": getattr(r, "month", None),
                       "amount_wan": getattr(r, "amount_wan", None), "review_status": r.review_status,
                       "recorded_at": r.recorded_at} for r in records]}


class RankingCell(ApiSchema):
    value = described(Amount, "完成值（比率类指标为比率）", allow_none=True)
    target = described(Amount, "目标值", allow_none=True)
    completion = described(Amount, "完成率（小数）", allow_none=True)
    score = described(Amount, "得分")


class RankingLine(ApiSchema):
    unit_id = described(fields.Integer, "单位编号")
    unit_name = described(fields.String, "单位名称")
    rank = described(fields.Integer, "名次")
    change = described(fields.Integer, "较上月上升的名次（负为下降；1 月为空）", allow_none=True)
    total = described(Amount, "综合得分")
    adjustment = described(Amount, "加减分")
    correction = described(Amount, "上月定稿后的更正（计入本月）", allow_none=True)
    cells = described(fields.List, "各指标：顺序同 indicators", cls_or_instance=fields.Nested(RankingCell))


class RankingOut(ApiSchema):
    scheme = described(fields.Nested, "考核办法", nested=record(AssessmentScheme, "id unit_id year name"))
    month = described(fields.Date, "月份（当月 1 日）；得分为当年 1 月至该月")
    frozen_at = described(UtcDateTime, "定稿时间（未定稿为空，数字为当前计算）", allow_none=True)
    indicators = described(fields.List, "指标及权重", cls_or_instance=fields.Nested(record(
        AssessmentItem, "indicator weight method cap", name="RankingIndicator")))
    lines = described(fields.List, "各单位，按名次", cls_or_instance=fields.Nested(RankingLine))
    summary = described(fields.List, "通报用语", cls_or_instance=fields.String())


class RankingQuery(ApiSchema):
    month = month_field("月份 YYYY-MM，须在考核年度内；默认本月（或年度内最近的月份）")


@bp.route("/assessment/<int:scheme_id>/ranking")
@roles_required(Role.ADMIN, Role.MANAGER, Role.OFFICER)
@bp.arguments(RankingQuery, location="query")
@bp.response(200, RankingOut)
def ranking(args, scheme_id: int):
    """考核排名

    与“考核”页面相同的排名（定稿的月份为定稿数字）。"""
    scheme = get_scoped_or_404(AssessmentScheme, scheme_id, current_user)
    month = date.fromisoformat(f"{args['month']}-01") if args.get("month") else \
        assessment_services.nearest_month(scheme, date.today())
    if month.year != scheme.year:
        return problem(422, f"月份应在考核年度 {scheme.year} 年内。", "month", {"query": {"month": ["不在考核年度内。"]}})
    result = assessment_services.ranking(current_user, scheme, month)
    return {"scheme": scheme, "month": result.month, "frozen_at": result.frozen_at, "indicators": scheme.items,
            "lines": result.lines, "summary": assessment_services.summary(result)}


@bp.route("/audit")
@roles_required(Role.AUDITOR)
@bp.arguments(AuditQuery, location="query")
@bp.response(200, page_of(AuditOut, "AuditPage"))
def audit_log(args):
    """审计日志（仅审计管理员）

    与“审计日志”页面相同的筛选与范围，新的在前，按游标分页；changes 中的个人信息与页面一样已脱敏。"""
    f = {**paging.filters(args), "sort": "id"}
    return paging.page(audit_services.search(current_user, f), AuditLog, f, "id")
