from wtforms import BooleanField, HiddenField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from app.auth.passwords import rule
from app.auth.policy import KNOBS
from app.auth.tokens import SERVICE_ROLES
from app.forms import CheckboxesField, Form, optional_int
from app.models.enums import Permission, Role


class AssignForm(Form):
    version = HiddenField()
    role = SelectField("角色", choices=[("", "—")] + Role.choices(), validators=[DataRequired("请选择角色")])
    permissions = CheckboxesField("附加权限（仅业务角色）", choices=Permission.choices())


class ResetPasswordForm(Form):
    password = PasswordField("新密码", validators=[DataRequired("请填写新密码"), Length(max=128)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.password.description = rule() + " 用户下次登录时须修改。"


class PolicyForm(Form):
    """One field per knob of the policy, built from its own list, and the roles that must use a
    second factor."""

    version = HiddenField()
    totp_roles = CheckboxesField("必须使用双因素认证登录的角色", choices=Role.choices())


for _knob in KNOBS:
    setattr(PolicyForm, _knob.key, IntegerField(f"{_knob.label}（{_knob.unit}）", validators=[
        DataRequired(f"请填写“{_knob.label}”"),
        NumberRange(min=_knob.minimum, max=_knob.maximum, message=f"应为 {_knob.minimum}–{_knob.maximum} 的整数")]))


class ServiceAccountForm(Form):
    """Another system's account and its first token."""

    name = StringField("系统名称（如 市招商平台）", validators=[DataRequired("请填写系统名称"), Length(max=50)])
    unit_id = SelectField("数据范围（单位及下级）", coerce=optional_int, validators=[DataRequired("请选择单位")])
    role = SelectField("角色", choices=[(r.value, r.label) for r in SERVICE_ROLES], validators=[DataRequired("请选择角色")])
    days = IntegerField("令牌有效天数（最长 365 天）", default=365, validators=[
        DataRequired("请填写有效天数"), NumberRange(min=1, max=365, message="有效期应为 1–365 天")])
    write = BooleanField("允许写入（不勾选为只读）")
