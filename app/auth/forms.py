from wtforms import BooleanField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange

from app.auth.passwords import rule
from app.forms import Form


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=50)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])


class ChangePasswordForm(Form):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码"), Length(max=128)])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码"), Length(max=128)])
    confirm = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码"),
                                                    EqualTo("new", message="两次输入的新密码不一致")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new.description = rule()  # the security admin's policy in force



class SecondFactorForm(Form):
    code = StringField("动态口令", validators=[DataRequired("请输入动态口令或恢复码"), Length(max=20)],
                       description="身份验证器应用中当前显示的 6 位数字；手机丢失时可输入一个恢复码。",
                       render_kw={"autocomplete": "one-time-code", "autofocus": True})


class EnrolForm(Form):
    code = StringField("动态口令", validators=[DataRequired("请输入应用中显示的 6 位数字"), Length(max=10)],
                       render_kw={"autocomplete": "one-time-code"})


class ConfirmPasswordForm(Form):
    """Re-entering the password before the second factor is turned off or its codes renewed."""
    password = PasswordField("当前密码", validators=[DataRequired("请输入当前密码"), Length(max=128)])


class TokenForm(Form):
    name = StringField("令牌名称（用于哪个系统或脚本）", validators=[DataRequired("请填写令牌名称"), Length(max=50)])
    days = IntegerField("有效天数（最长 365 天）", default=90, validators=[
        DataRequired("请填写有效天数"), NumberRange(min=1, max=365, message="有效期应为 1–365 天")])
    write = BooleanField("允许写入（不勾选为只读）")
