from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, optional_int
from app.models.enums import ProblemKind, ProblemLevel
from app.problems.services import SORTS, STATES


class ProblemForm(Form):
    kind = SelectField("问题类别", choices=[("", "— 请选择 —")] + ProblemKind.choices(),
                       validators=[DataRequired("请选择问题类别")])
    level = SelectField("需协调层级", choices=[(ProblemLevel.LOCAL.value, "本级"), (ProblemLevel.CITY.value, "上报市级"),
                                          (ProblemLevel.PROVINCE.value, "上报省级")])
    description = TextAreaField("问题描述", validators=[DataRequired("请写明问题"), Length(max=4000)])
    request = TextAreaField("诉求（需要协调解决的事项）", validators=[Optional(), Length(max=2000)])
    attachments = MultipleFileField("佐证材料（pdf、jpg、png、xlsx、docx，单个不超过 20 MB）")


class ReplyForm(Form):
    version = HiddenField()
    text = TextAreaField("回复", validators=[DataRequired("请填写回复内容"), Length(max=4000)])


class AssignForm(Form):
    version = HiddenField()
    assignee_unit_id = SelectField("承办单位（本系统单位）", coerce=optional_int, validators=[Optional()])
    assignee = StringField("或填写承办单位（如 市发改委、市自然资源局）", validators=[Optional(), Length(max=100)])
    due_on = DateField("办理期限", validators=[DataRequired("请填写办理期限（格式 2026-01-31）")])


class SolveForm(Form):
    version = HiddenField()
    solution = TextAreaField("解决情况", validators=[DataRequired("请写明解决情况"), Length(max=4000)])


class ReopenForm(Form):
    version = HiddenField()
    reason = TextAreaField("仍未解决的原因", validators=[DataRequired("请写明原因"), Length(max=2000)])


class ProblemFilterForm(Form):
    """The 问题台账's filters, bookmarkable (GET)."""

    class Meta:
        csrf = False

    q = StringField("项目或问题", validators=[Optional(), Length(max=50)])
    state = SelectField("状态", choices=[("", "全部")] + list(STATES.items()), validators=[Optional()])
    kind = SelectField("类别", choices=[("", "全部")] + ProblemKind.choices(), validators=[Optional()])
    unit_id = SelectField("提出单位（含下级）", coerce=optional_int, validators=[Optional()])
    mine = SelectField("办理单位", choices=[("", "全部"), ("1", "待本单位办理")], validators=[Optional()])
    escalated = SelectField("逾期上报", choices=[("", "全部"), ("1", "曾逾期上报")], validators=[Optional()])
    date_from = DateField("提出日期自", validators=[Optional()])
    date_to = DateField("至", validators=[Optional()])
    sort = SelectField("排序", choices=list(SORTS.items()), default="raised_on", validators=[Optional()])
    desc = SelectField("顺序", choices=[("1", "降序"), ("", "升序")], default="1", validators=[Optional()])
