from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.forms import optional_int
from app.forms import Form, non_negative
from app.models.enums import CAPACITY_UNITS, CapacityKind, ParkLevel


class CapacityItemForm(Form):
    kind = SelectField("要素类别", choices=CapacityKind.choices())
    name = StringField("名称（其他要素必填）", validators=[Optional(), Length(max=50)])
    total = DecimalField("总量", places=2, validators=[DataRequired("请填写总量（数字）")])
    unit = StringField("单位", validators=[Optional(), Length(max=20)],
                       description="、".join(f"{CapacityKind.label_of(k)} {u}" for k, u in CAPACITY_UNITS.items()))
    as_of = DateField("截至日期", validators=[DataRequired("请填写截至日期（格式 2026-01-31）")])
    standard_land_mu = non_negative("其中标准地（亩，仅工业用地）")
    floor_height_m = non_negative("层高（米，仅标准厂房）")
    floor_load_kn_m2 = non_negative("承重（kN/㎡，仅标准厂房）")
    notes = TextAreaField("备注", validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class NeedsForm(Form):
    """A prospect's needs, to rank the parks; all in the URL."""

    class Meta:
        csrf = False

    land_mu = non_negative("用地（亩）")
    factory_m2 = non_negative("标准厂房（㎡）")
    energy_tce = non_negative("能耗（吨标煤/年）")
    power_kva = non_negative("用电（kVA）")
    water_t_per_day = non_negative("用水（吨/日）")
    cod_t = non_negative("COD（吨/年）")
    ammonia_t = non_negative("氨氮（吨/年）")
    so2_t = non_negative("SO₂（吨/年）")
    nox_t = non_negative("NOx（吨/年）")
    agreed_investment_wan = non_negative("协议投资（万元）")
    chain_id = SelectField("产业链", coerce=optional_int, validators=[Optional()])


class ParkForm(Form):
    version = HiddenField()
    level = SelectField("级别", choices=ParkLevel.choices())
    city = StringField("所在市", validators=[Optional(), Length(max=20)])
    area_km2 = non_negative("面积（平方公里）")
    chain_ids = SelectMultipleField("主导产业（产业链）", coerce=int, validators=[Optional()])
    address = StringField("地址", validators=[Optional(), Length(max=200)])
    contact = StringField("联系人及电话", validators=[Optional(), Length(max=100)])
    investment_intensity_wan_per_mu = non_negative("标准地 投资强度（万元/亩）")
    tax_per_mu_wan = non_negative("标准地 亩均税收（万元/亩）")
    plot_ratio_min = non_negative("标准地 容积率下限")
    plot_ratio_max = non_negative("标准地 容积率上限")
    energy_per_unit_max = non_negative("标准地 单位能耗上限（吨标煤/万元）")


class NewParkForm(ParkForm):
    name = StringField("园区名称", validators=[DataRequired("请填写园区名称"), Length(max=100)])
    unit_id = SelectField("所属单位（开发区·园区）", coerce=optional_int, validators=[DataRequired("请选择所属单位")])
