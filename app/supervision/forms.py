from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, optional_int
from app.supervision.services import SORTS, STATES


class SupervisionForm(Form):
    task = TextAreaField("督办事项（要求办理的事项）", validators=[DataRequired("请写明督办事项"), Length(max=4000)])
    unit_id = SelectField("承办单位", coerce=optional_int, validators=[DataRequired("请选择承办单位")])
    assignee_id = SelectField("承办人", coerce=optional_int, validators=[Optional()])
    due_on = DateField("办理期限", validators=[DataRequired("请填写办理期限（格式 2026-01-31）")])


class ReplyForm(Form):
    version = HiddenField()
    text = TextAreaField("办理情况", validators=[DataRequired("请填写办理情况"), Length(max=4000)])
    attachments = MultipleFileField("佐证材料（pdf、jpg、png、xlsx、docx，单个不超过 20 MB）")


class ReturnForm(Form):
    version = HiddenField()
    reason = TextAreaField("退回原因", validators=[DataRequired("请写明退回原因"), Length(max=2000)])
    due_on = DateField("新的办理期限（可不填）", validators=[Optional()])


class SupervisionFilterForm(Form):
    class Meta:
        csrf = False

    q = StringField("事项或项目", validators=[Optional(), Length(max=50)])
    state = SelectField("状态", choices=[("", "全部")] + list(STATES.items()), validators=[Optional()])
    mine = SelectField("与我有关", choices=[("", "全部"), ("issued", "我下达的"), ("assigned", "交我办理的")],
                       validators=[Optional()])
    unit_id = SelectField("承办单位（含下级）", coerce=optional_int, validators=[Optional()])
    date_from = DateField("下达日期自", validators=[Optional()])
    date_to = DateField("至", validators=[Optional()])
    sort = SelectField("排序", choices=list(SORTS.items()), default="issued_on", validators=[Optional()])
    desc = SelectField("顺序", choices=[("1", "降序"), ("", "升序")], default="1", validators=[Optional()])
