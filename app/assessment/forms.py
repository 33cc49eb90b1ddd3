from wtforms import DecimalField, HiddenField, IntegerField, MonthField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.assessment.services import INDICATORS, METHODS
from app.forms import Form, optional_int


class SchemeForm(Form):
    """A scheme and, per indicator, its weight (blank: not used), scoring and cap."""

    version = HiddenField()
    name = StringField("名称", validators=[DataRequired("请填写名称"), Length(max=100)])
    year = IntegerField("年度", validators=[DataRequired("请填写年度"), NumberRange(min=2000, max=2100)])
    unit_id = SelectField("考核单位（考核其直属下级单位）", coerce=optional_int, validators=[DataRequired("请选择单位")])

    def items(self) -> list[dict]:
        return [{"indicator": key, "weight": self[f"weight_{key}"].data, "method": self[f"method_{key}"].data,
                 "cap": (self[f"cap_{key}"].data or 100) / 100} for key in INDICATORS]


for _key, _label in INDICATORS.items():
    setattr(SchemeForm, f"weight_{_key}", DecimalField(f"{_label} 权重", places=2, validators=[
        Optional(), NumberRange(min=0, max=100, message="权重应在 0–100 之间")]))
    setattr(SchemeForm, f"method_{_key}", SelectField(f"{_label} 计分方式", choices=list(METHODS.items()),
                                                      default="rank" if _key == "activities" else "rate"))
    setattr(SchemeForm, f"cap_{_key}", DecimalField(f"{_label} 完成率封顶（%）", places=0, default=100, validators=[
        Optional(), NumberRange(min=100, max=200, message="封顶应在 100%–200% 之间")]))


class AdjustmentForm(Form):
    unit_id = SelectField("单位", coerce=optional_int, validators=[DataRequired("请选择单位")])
    month = MonthField("计入月份", format=["%Y-%m", "%Y-%m-%d"], validators=[DataRequired("请填写月份（格式 2026-05）")])
    points = DecimalField("加减分（减分填负数）", places=2, validators=[DataRequired("请填写分值")])
    reason = TextAreaField("理由", validators=[DataRequired("请写明理由"), Length(max=1000)])
