from wtforms import HiddenField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.forms import Form, optional_int
from app.models.enums import UnitKind
from app.projects.warnings import THRESHOLDS


class UnitForm(Form):
    version = HiddenField()
    code = StringField("单位代码", validators=[
        DataRequired("请填写单位代码"), Length(max=20, message="单位代码不超过 20 个字符"),
        Regexp(r"^[0-9A-Za-z-]+$", message="单位代码只能包含数字、字母和连字符"),
    ])
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称"), Length(max=100, message="单位名称不超过 100 个字")])
    kind = SelectField("单位类型", choices=UnitKind.choices())
    parent_id = SelectField("上级单位", coerce=optional_int, validators=[Optional()])


class UserForm(Form):
    version = HiddenField()
    username = StringField("用户名", validators=[
        DataRequired("请填写用户名"), Length(max=50, message="用户名不超过 50 个字符"),
        Regexp(r"^[0-9A-Za-z_.-]+$", message="用户名只能包含字母、数字、下划线、点和连字符"),
    ])
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=50, message="姓名不超过 50 个字")])
    unit_id = SelectField("所属单位", coerce=optional_int, validators=[DataRequired("请选择所属单位")])
    park_id = SelectField("绑定园区（园区管理员）", coerce=optional_int, validators=[Optional()])
    email = StringField("电子邮箱（接收每日提醒）", validators=[
        Optional(), Length(max=120), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="电子邮箱格式不正确")])
    password = PasswordField("初始密码", validators=[Optional(), Length(min=8, max=128, message="密码 8–128 位")])


class ThresholdForm(Form):
    """One whole-number field per warning threshold, built from the rules' own list; left blank,
    the unit follows the units above it."""

    version = HiddenField()


for _threshold in THRESHOLDS:
    setattr(ThresholdForm, _threshold.key, IntegerField(_threshold.label, validators=[
        Optional(), NumberRange(min=1, max=_threshold.maximum, message=f"应为 1–{_threshold.maximum} 的整数")]))


class ReportSettingsForm(Form):
    version = HiddenField()
    tiers = StringField("签约项目按协议投资分档（亿元，逗号分隔；留空则沿用上级）", validators=[
        Length(max=100, message="分档不超过 100 个字符")])
    total_first = SelectField("合计行位置", choices=[("", "沿用上级"), ("0", "末行"), ("1", "首行")],
                              validators=[Optional()])


class AgendaSettingsForm(Form):
    version = HiddenField()
    manager_view = SelectField("科室负责人/局领导的工作台默认显示", choices=[("", "沿用上级"), ("scope", "本单位及下级的全部事项"),
                                                          ("mine", "由本人跟进的事项")], validators=[Optional()])


class DispatchSettingsForm(Form):
    version = HiddenField()
    escalate_days = IntegerField("项目问题办理天数（逾期未解决自动上报上一级）", validators=[
        Optional(), NumberRange(min=1, max=90, message="应为 1–90 天")])
    remind_days = IntegerField("督办逾期后每隔几天催办一次", validators=[
        Optional(), NumberRange(min=1, max=30, message="应为 1–30 天")])


class UsccExceptionForm(Form):
    code = StringField("统一社会信用代码", validators=[DataRequired("请填写代码"), Length(max=30)])
    note = TextAreaField("核实依据", validators=[DataRequired("请写明核实依据"), Length(max=2000)],
                         description="如：核对营业执照原件，登记机关确认为 2015 年前试点赋码")
