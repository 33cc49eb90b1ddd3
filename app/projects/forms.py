from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    MonthField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import optional_int
from app.forms import Form, non_negative
from app.models.enums import Channel, FundOrigin, ReviewStatus, Stage, TargetIndicator
from app.projects.services import FIELDS
from app.projects.stages import CURRENT, DATE_COLUMNS
from app.projects.warnings import RULES

ATTACHMENTS = "附件（pdf、jpg、png、xlsx、docx，单个不超过 20 MB）"


class ProjectForm(Form):
    name = StringField("项目名称", validators=[DataRequired("请填写项目名称"), Length(max=200)])
    investor_id = SelectField("投资方企业", coerce=optional_int, validators=[Optional()],
                              description="列出最近联系的企业；在上方输入名称、拼音或首字母查找其他企业",
                              render_kw={"data-typeahead": "/search/enterprises.json"})
    content = TextAreaField("建设内容", validators=[Optional(), Length(max=4000)])
    unit_id = SelectField("责任单位", coerce=optional_int, validators=[DataRequired("请选择责任单位")])
    responsible_person = StringField("责任人", validators=[Optional(), Length(max=50)])
    officer_id = SelectField("跟进人", coerce=optional_int, validators=[Optional()])
    park_id = SelectField("落户园区", coerce=optional_int, validators=[Optional()])
    chain_node_id = SelectField("产业链环节", coerce=optional_int, validators=[Optional()])
    # No default: a preselected channel was kept unread and inflated it.
    channel = SelectField("引荐渠道", choices=[("", "— 请选择 —")] + Channel.choices(),
                          validators=[DataRequired("请选择引荐渠道")])
    total_investment_wan = non_negative("总投资（万元）")
    agreed_investment_wan = non_negative("协议投资（万元）")
    phase1_investment_wan = non_negative("一期投资（万元）")
    is_foreign = BooleanField("外资项目")
    source_region = StringField("来源地", validators=[Optional(), Length(max=50)])
    land_mu = non_negative("用地（亩）")
    factory_m2 = non_negative("标准厂房（㎡）")
    energy_tce = non_negative("能耗（吨标煤/年）")
    power_kva = non_negative("用电（kVA）")
    water_t_per_day = non_negative("用水（吨/日）")
    emissions = StringField("排放（说明）", validators=[Optional(), Length(max=200)])
    cod_t = non_negative("COD 排放指标（吨/年）")
    ammonia_t = non_negative("氨氮排放指标（吨/年）")
    so2_t = non_negative("SO₂ 排放指标（吨/年）")
    nox_t = non_negative("NOx 排放指标（吨/年）")
    is_key = BooleanField("重点项目")
    problems = TextAreaField("存在问题", validators=[Optional(), Length(max=4000)])
    next_steps = TextAreaField("下步计划", validators=[Optional(), Length(max=4000)])
    negotiating_on = DateField("在谈日期（开始洽谈的日期）", validators=[Optional()])
    version = HiddenField()

    def data_for_service(self) -> dict:
        return {f: getattr(self, f).data for f in FIELDS}


class MoveForm(Form):
    version = HiddenField()
    stage = SelectField("变为", choices=Stage.choices())
    effective_on = DateField("发生日期（实际签约、开工、投产的日期）",
                             validators=[DataRequired("请填写发生日期（格式 2026-01-31）")])
    note = TextAreaField("说明（终止、暂缓须写明原因）", validators=[Optional(), Length(max=2000)])
    company_name = StringField("注册企业名称（登记注册时必填）", validators=[Optional(), Length(max=200)])
    registered_capital_wan = non_negative("注册资本（万元，登记注册时填）")
    attachments = MultipleFileField(ATTACHMENTS)


class CorrectionForm(Form):
    version = HiddenField()
    effective_on = DateField("更正后的日期", validators=[Optional()])
    stage = SelectField("更正后的阶段", choices=[("", "不变")] + [(s.value, s.label) for s in CURRENT],
                        validators=[Optional()])
    withdraw = BooleanField("撤回这次阶段变动（误录）")
    note = TextAreaField("更正原因", validators=[DataRequired("请填写更正原因"), Length(max=2000)])
    attachments = MultipleFileField(ATTACHMENTS)


class FundForm(Form):
    version = HiddenField()
    month = MonthField("月份", format=["%Y-%m", "%Y-%m-%d"], validators=[DataRequired("请填写月份（格式 2026-05）")])
    origin = SelectField("资金来源", choices=FundOrigin.choices())
    amount_wan = DecimalField("到位金额（万元）", places=2, validators=[
        DataRequired("请填写到位金额"), NumberRange(min=0.01, max=10**12, message="到位金额应大于 0（万元）")])
    amount_usd_wan = DecimalField("其中外资（万美元）", places=2, validators=[Optional()])
    evidence = StringField("凭证（银行进账单、验资报告、设备清单…）", validators=[Optional(), Length(max=200)])
    attachments = MultipleFileField(ATTACHMENTS)


class ReviewForm(Form):
    version = HiddenField()
    opinion = TextAreaField("审核意见（退回时必填）", validators=[Optional(), Length(max=2000)])
    decision = HiddenField()


TIERS = {"": "全部", "lt1": "1亿元以下", "1-3": "1–3亿元", "3-10": "3–10亿元", "10-20": "10–20亿元", "ge20": "20亿元以上",
         "ge1": "亿元以上"}
SORTS = {"stage_on": "阶段日期", "agreed_investment_wan": "协议投资", "name": "项目名称", "created_at": "录入时间"}


class ProjectFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField("项目名称", validators=[Optional(), Length(max=50)])
    stage = SelectField("阶段", choices=[("", "全部")] + [(s.value, s.label) for s in CURRENT], validators=[Optional()])
    unit_id = SelectField("责任单位", coerce=optional_int, validators=[Optional()])
    park_id = SelectField("落户园区", coerce=optional_int, validators=[Optional()])
    chain_id = SelectField("产业链", coerce=optional_int, validators=[Optional()])
    node_id = IntegerField("产业链环节", validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])  # a chain page's count
    channel = SelectField("引荐渠道", choices=[("", "全部")] + Channel.choices(), validators=[Optional()])
    tier = SelectField("投资额", choices=list(TIERS.items()), validators=[Optional()])
    is_key = SelectField("重点项目", choices=[("", "全部"), ("1", "仅重点项目")], validators=[Optional()])
    warning = SelectField("预警", choices=[("", "全部"), ("1", "有预警"), *((r.key, r.label) for r in RULES)],
                          validators=[Optional()])
    pending = SelectField("审核", choices=[("", "全部"), ("1", "有待审核记录")], validators=[Optional()])
    # What a figure counts (驾驶舱, 报表): the projects that first reached a stage within dates,
    # by approved records or, with ``counted``, pending ones too.
    reached = SelectField("首次达到", choices=[("", "不限")] + [(s.value, s.label) for s in DATE_COLUMNS],
                          validators=[Optional()])
    reached_from = DateField("自", validators=[Optional()])
    reached_to = DateField("至", validators=[Optional()])
    counted = SelectField("计入", choices=[("", "仅审核通过"), ("1", "含待审核")], validators=[Optional()])
    sort = SelectField("排序", choices=list(SORTS.items()), default="stage_on", validators=[Optional()])
    desc = SelectField("顺序", choices=[("1", "降序"), ("", "升序")], default="1", validators=[Optional()])


class QueueFilterForm(Form):
    class Meta:
        csrf = False

    unit_id = SelectField("单位", coerce=optional_int, validators=[Optional()])
    kind = SelectField("类别", choices=[("", "全部"), ("stage", "阶段变动"), ("fund", "到位资金")], validators=[Optional()])
    older_than = SelectField("已等待", choices=[("", "不限"), ("3", "3 天以上"), ("7", "7 天以上"), ("30", "30 天以上")],
                             validators=[Optional()])
    status = SelectField("状态", choices=[(ReviewStatus.PENDING.value, "待审核"), (ReviewStatus.REJECTED.value, ReviewStatus.REJECTED.label)],
                         default=ReviewStatus.PENDING.value, validators=[Optional()])


class TargetForm(Form):
    year = IntegerField("年度", validators=[DataRequired("请填写年度"), NumberRange(min=2000, max=2100, message="年度不正确")])
    unit_id = SelectField("单位", coerce=optional_int, validators=[DataRequired("请选择单位")])
    chain_id = SelectField("产业链（可选）", coerce=optional_int, validators=[Optional()])
    indicator = SelectField("指标", choices=TargetIndicator.choices())
    value = DecimalField("目标值", places=2, validators=[
        DataRequired("请填写目标值"), NumberRange(min=0.01, max=10**12, message="目标值应大于 0")])
