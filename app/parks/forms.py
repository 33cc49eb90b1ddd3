from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.enterprises.forms import optional_int
from app.forms import Form
from app.models.enums import CAPACITY_UNITS, CapacityKind


class CapacityItemForm(Form):
    kind = SelectField("要素类别", choices=CapacityKind.choices())
    name = StringField("名称（其他要素必填）", validators=[Optional(), Length(max=50)])
    total = DecimalField("总量", places=2, validators=[DataRequired("请填写总量（数字）")])
    unit = StringField("单位", validators=[Optional(), Length(max=20)],
                       description="、".join(f"{CapacityKind.label_of(k)} {u}" for k, u in CAPACITY_UNITS.items()))
    as_of = DateField("截至日期", validators=[DataRequired("请填写截至日期（格式 2026-01-31）")])
    notes = TextAreaField("备注（标准地比例、层高、承重等）", validators=[Optional(), Length(max=2000)])


class NeedsForm(Form):
    """A prospect's needs, to rank the parks; all in the URL."""

    class Meta:
        csrf = False

    land_mu = DecimalField("用地（亩）", validators=[Optional(), NumberRange(min=0, message="不能为负数")])
    factory_m2 = DecimalField("标准厂房（㎡）", validators=[Optional(), NumberRange(min=0, message="不能为负数")])
    energy_tce = DecimalField("能耗（吨标煤/年）", validators=[Optional(), NumberRange(min=0, message="不能为负数")])
    power_kva = DecimalField("用电（kVA）", validators=[Optional(), NumberRange(min=0, message="不能为负数")])
    water_t_per_day = DecimalField("用水（吨/日）", validators=[Optional(), NumberRange(min=0, message="不能为负数")])
    agreed_investment_wan = DecimalField("协议投资（万元）", validators=[Optional(), NumberRange(min=0, message="不能为负数")])
    chain_id = SelectField("产业链", coerce=optional_int, validators=[Optional()])
