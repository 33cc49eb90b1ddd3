"""What users call each field of each audited record, and each stored value of a choice: the
stale-edit message, the audit log and the timelines name fields and values by these, never by
their column names or stored codes."""
from app.models.enums import (
    ActivityKind,
    CapacityKind,
    CaseAction,
    Channel,
    EnterpriseStatus,
    EventKind,
    FundOrigin,
    GapMark,
    NodeRole,
    ParkLevel,
    Permission,
    ProblemKind,
    ProblemStatus,
    ReviewStatus,
    Role,
    Segment,
    SourceRegion,
    Stage,
    SupervisionStatus,
    TargetIndicator,
    UnitKind,
)

COMMON = {
    "id": "编号", "name": "名称", "notes": "备注", "unit_id": "所属单位", "is_active": "启用状态", "kind": "类型",
    "description": "简介", "project_id": "项目", "enterprise_id": "企业", "chain_id": "产业链", "park_id": "园区",
    "officer_id": "跟进人", "recorded_by_id": "登记人", "recorded_at": "登记时间", "review_status": "审核状态",
    "reviewed_by_id": "审核人", "reviewed_at": "审核时间", "review_opinion": "审核意见", "city": "所在市",
    "province": "所在省", "source_region": "来源区域", "code": "代码", "created_by_id": "创建人",
}

FIELDS = {
    "Activity": {"kind": "对接方式", "occurred_on": "对接日期", "participants": "参与人员", "led_by_top_leader": "主要领导带队",
                 "summary": "对接内容", "outcome": "对接结果", "next_step": "下步计划", "next_follow_up_on": "下次跟进日期",
                 "follow_up_done_at": "跟进完成时间", "follow_up_by_id": "跟进人"},
    "Attachment": {"owner_type": "所属记录类型", "owner_id": "所属记录", "name": "文件名", "stored_name": "存储名",
                   "content_type": "文件类型", "size": "大小", "uploaded_by_id": "上传人", "uploaded_at": "上传时间"},
    "CapacityItem": {"kind": "类别", "total": "总量", "unit": "单位", "as_of": "截至日期", "standard_land_mu": "其中标准地",
                     "floor_height_m": "层高", "floor_load_kn_m2": "承重", "updated_by_id": "填报人"},
    "Chain": {"cluster": "产业集群", "leader": "链长", "unit_id": "责任单位"},
    "ChainNode": {"parent_id": "上级环节", "segment": "链段", "name": "环节名称", "industry_codes": "国标行业代码",
                  "description": "描述", "key_technologies": "关键技术", "gap": "短板标识"},
    "Contact": {"name": "姓名", "title": "职务", "mobile": "手机", "phone": "电话", "email": "邮箱", "wechat": "微信"},
    "Enterprise": {"name": "企业名称", "uscc": "统一社会信用代码", "industry_code": "行业代码", "revenue_wan": "营收",
                   "employees": "员工人数", "status": "状态", "last_contacted_on": "最近联系日期", "merged_into_id": "并入企业"},
    "EnterpriseNode": {"node_id": "产业链环节", "role": "链上角色"},
    "EnterpriseTag": {"tag": "标签"},
    "Event": {"name": "活动名称", "starts_on": "开始日期", "ends_on": "结束日期", "place": "地点", "unit_id": "主办单位",
              "leaders": "出席领导"},
    "EventProject": {"event_id": "招商活动", "signed_here": "在本活动签约"},
    "FundEntry": {"month": "月份", "origin": "资金来源", "amount_wan": "金额（万元）", "amount_usd_wan": "金额（万美元）",
                  "evidence": "佐证"},
    "OrgUnit": {"code": "单位代码", "name": "单位名称", "kind": "单位类型", "parent_id": "上级单位"},
    "Park": {"name": "园区名称", "level": "级别", "area_km2": "面积", "leading_industries": "主导产业", "address": "地址",
             "contact": "联系人及电话", "investment_intensity_wan_per_mu": "亩均投资强度", "tax_per_mu_wan": "亩均税收",
             "plot_ratio_min": "容积率下限", "plot_ratio_max": "容积率上限", "energy_per_unit_max": "单位能耗上限"},
    "Project": {
        "name": "项目名称", "investor_id": "投资方", "content": "建设内容", "park_id": "落户园区", "chain_node_id": "产业链环节",
        "unit_id": "责任单位", "responsible_person": "责任人", "channel": "引荐渠道", "total_investment_wan": "总投资",
        "agreed_investment_wan": "协议投资", "phase1_investment_wan": "一期投资", "is_foreign": "内资/外资",
        "source_region": "来源地", "land_mu": "用地", "factory_m2": "标准厂房", "energy_tce": "能耗", "power_kva": "用电",
        "water_t_per_day": "用水", "emissions": "排放", "cod_t": "COD 排放", "ammonia_t": "氨氮排放", "so2_t": "SO₂ 排放",
        "nox_t": "NOx 排放", "is_key": "重点项目", "problems": "存在问题", "next_steps": "下步计划",
        "stage": "阶段", "stage_on": "阶段日期", "negotiating_on": "在谈日期", "signed_on": "签约日期",
        "registered_on": "注册日期", "started_on": "开工日期", "producing_on": "投产日期", "terminated_on": "终止日期",
        "approved_negotiating_on": "在谈日期（已审核）", "approved_signed_on": "签约日期（已审核）",
        "approved_registered_on": "注册日期（已审核）", "approved_started_on": "开工日期（已审核）",
        "approved_producing_on": "投产日期（已审核）", "approved_terminated_on": "终止日期（已审核）",
        "last_activity_on": "最近对接日期", "follow_up_due_on": "待跟进日期", "funds_wan": "到位资金",
    },
    "ProjectProblem": {"unit_id": "提出单位", "handler_unit_id": "办理单位", "kind": "问题类别", "description": "问题描述",
                       "request": "诉求", "status": "状态", "assignee": "承办单位", "assignee_unit_id": "承办单位（系统单位）",
                       "due_on": "办理期限", "solution": "解决情况", "raised_on": "提出日期", "raised_by_id": "提出人",
                       "solved_on": "解决日期", "closed_on": "办结日期", "escalations": "逾期上报次数"},
    "Supervision": {"task": "督办事项", "problem_id": "项目问题", "warning": "预警", "unit_id": "承办单位",
                    "assignee_id": "承办人", "issuer_id": "下达人", "issuer_unit_id": "下达单位", "issued_on": "下达日期",
                    "due_on": "办理期限", "status": "状态", "reply": "办理情况", "replied_on": "回复日期",
                    "closed_on": "办结日期", "reminded_on": "最近催办日期"},
    "CaseStep": {"owner_type": "所属记录类型", "owner_id": "所属记录", "action": "办理环节", "text": "内容",
                 "unit_id": "单位", "due_on": "期限", "happened_on": "日期", "by_id": "办理人", "at": "时间"},
    "Leader": {"name": "姓名", "post": "职务", "unit_id": "所属单位", "user_id": "关联账号", "is_active": "在任"},
    "LeaderLink": {"leader_id": "包保领导", "created_at": "设置时间"},
    "AssessmentScheme": {"unit_id": "考核单位", "year": "年度", "name": "考核办法名称"},
    "AssessmentItem": {"scheme_id": "考核办法", "indicator": "指标", "weight": "权重", "method": "计分方式",
                       "cap": "完成率封顶", "position": "顺序"},
    "AssessmentResult": {"scheme_id": "考核办法", "month": "月份", "unit_id": "单位", "score": "综合得分", "rank": "名次",
                         "details": "各项得分", "frozen_at": "定稿时间", "frozen_by_id": "定稿人"},
    "AssessmentAdjustment": {"scheme_id": "考核办法", "unit_id": "单位", "month": "计入月份", "points": "加减分",
                             "reason": "理由", "by_id": "登记人", "created_at": "登记时间"},
    "ApiToken": {"user_id": "所属用户", "name": "令牌名称", "token_hash": "令牌", "prefix": "令牌前缀", "write": "可写",
                 "expires_on": "有效期至", "created_at": "创建时间", "created_by_id": "创建人", "last_used_at": "最近使用",
                 "revoked_at": "吊销时间"},
    "Setting": {"key": "设置项", "value": "设置值"},
    # Records no one edits, named here for the API's description.
    "AuditLog": {"seq": "序号（校验链中的位置）", "at": "时间", "user_id": "用户（系统任务为空）",
                 "action": "操作：login 登录、create 新增、update 修改、delete 删除、export 导出、reveal 查看个人信息等",
                 "record_type": "记录类型（模型名）", "record_id": "记录编号", "record_label": "记录名称",
                 "row_hash": "校验值：本行内容与上一行校验值的 SHA-256"},
    "ImportBatch": {"kind": "导入类型", "filename": "文件名", "sheet": "工作表", "header_row": "表头所在行",
                    "status": "状态：reading 正在读取、refused 无法导入、previewed 待确认、committing 正在导入、committed 已导入、"
                              "failed 导入失败、undoing 正在撤销、undone 已撤销",
                    "total_rows": "数据行数", "counts": "预览与导入的统计：各类行数、各工作表的列对应、未识别的值等",
                    "skip_errors": "是否跳过错误行", "message": "导入失败或无法导入的原因", "created_at": "上传时间",
                    "committed_at": "导入时间", "undone_at": "撤销时间", "unit_id": "所属单位"},
    "ImportRow": {"sheet": "工作表", "row_number": "行号（与 Excel 中一致）",
                  "action": "处理：create 新增、update 更新、unchanged 未变、error 错误", "message": "说明（错误原因等）",
                  "data": "该行清洗后的各字段值", "record_id": "新增或更新的记录编号"},
    "Webhook": {"unit_id": "所属单位", "url": "回调地址", "secret": "签名密钥", "events": "通知的事件", "is_active": "启用",
                "created_by_id": "登记人"},
    "UnitSetting": {"unit_id": "单位", "key": "设置项", "value": "设置值"},
    "StageEvent": {"stage": "阶段", "effective_on": "发生日期", "month_only": "仅知月份", "note": "说明",
                   "supersedes_id": "更正的记录", "withdrawn": "撤回", "company_name": "注册名称",
                   "registered_capital_wan": "注册资本"},
    "Target": {"year": "年度", "indicator": "指标", "value": "目标值"},
    "UsccException": {"code": "统一社会信用代码", "note": "核实说明"},
    "UserPermission": {"user_id": "用户", "permission": "权限"},
    "User": {"username": "用户名", "display_name": "姓名", "password_hash": "密码", "role": "角色", "park_id": "绑定园区",
             "password_changed_at": "密码修改时间", "must_change_password": "须修改密码",
             "totp_secret": "双因素密钥", "totp_last_step": "双因素最近验证", "email": "电子邮箱", "digest_sent_on": "每日摘要发送日期",
             "calendar_token_hash": "日历订阅密钥", "is_service": "服务账号"},
}


def field_label(record_type: str, key: str) -> str:
    return FIELDS.get(record_type, {}).get(key) or COMMON.get(key, key)


# The choice each coded column's values come from.
CHOICES = {
    ("Activity", "kind"): ActivityKind, ("CapacityItem", "kind"): CapacityKind, ("ChainNode", "gap"): GapMark,
    ("ChainNode", "segment"): Segment, ("Enterprise", "source_region"): SourceRegion,
    ("Enterprise", "status"): EnterpriseStatus, ("EnterpriseNode", "role"): NodeRole, ("Event", "kind"): EventKind,
    ("FundEntry", "origin"): FundOrigin, ("FundEntry", "review_status"): ReviewStatus, ("OrgUnit", "kind"): UnitKind,
    ("Park", "level"): ParkLevel, ("Project", "channel"): Channel, ("Project", "stage"): Stage,
    ("StageEvent", "review_status"): ReviewStatus, ("StageEvent", "stage"): Stage,
    ("Target", "indicator"): TargetIndicator, ("User", "role"): Role, ("UserPermission", "permission"): Permission,
    ("ProjectProblem", "kind"): ProblemKind, ("ProjectProblem", "status"): ProblemStatus,
    ("Supervision", "status"): SupervisionStatus, ("CaseStep", "action"): CaseAction,
}


def value_label(record_type: str, key: str, value):
    """A stored value as users read it: a choice's label (events → 招商活动场次), else the value."""
    choice = CHOICES.get((record_type, key))
    return choice.label_of(value) if choice is not None and isinstance(value, str) else value
