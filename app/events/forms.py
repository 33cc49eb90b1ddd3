from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, optional_int
from app.models.enums import EventKind


class EventForm(Form):
    version = HiddenField()
    name = StringField("活动名称", validators=[DataRequired("请填写活动名称"), Length(max=200, message="活动名称不超过 200 个字")])
    kind = SelectField("类型", choices=EventKind.choices())
    starts_on = DateField("开始日期", validators=[DataRequired("请填写开始日期（格式 2026-01-31）")])
    ends_on = DateField("结束日期", validators=[Optional()])
    place = StringField("地点", validators=[Optional(), Length(max=200)])
    unit_id = SelectField("主办单位", coerce=optional_int, validators=[DataRequired("请选择主办单位")])
    leaders = StringField("出席领导", validators=[Optional(), Length(max=200)])


class EventFilterForm(Form):
    """The list's filters; a target's 招商活动场次 links here with its unit and dates."""
    class Meta:
        csrf = False

    q = StringField("活动名称或地点", validators=[Optional(), Length(max=50)])
    kind = SelectField("类型", choices=[("", "全部")] + EventKind.choices(), validators=[Optional()])
    unit_id = SelectField("主办单位（含下级）", coerce=optional_int, validators=[Optional()])
    starts_from = DateField("开始日期自", validators=[Optional()])
    starts_to = DateField("至", validators=[Optional()])
    sort = SelectField("排序", choices=[("starts_on", "开始日期"), ("name", "活动名称"), ("created_at", "录入时间")],
                       default="starts_on", validators=[Optional()])
    desc = SelectField("顺序", choices=[("1", "降序"), ("", "升序")], default="1", validators=[Optional()])


class AddEnterpriseForm(Form):
    enterprise_id = IntegerField(validators=[DataRequired()])


class AddProjectForm(Form):
    project_id = IntegerField(validators=[DataRequired()])
    signed_here = BooleanField("在本活动签约")
