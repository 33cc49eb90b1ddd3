from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

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
