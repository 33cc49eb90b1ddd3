from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.passwords import RULE
from app.forms import Form


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=50)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])


class ChangePasswordForm(Form):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码"), Length(max=128)])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码"), Length(max=128)], description=RULE)
    confirm = PasswordField("再次输入新密码", validators=[DataRequired("请再次输入新密码"),
                                                    EqualTo("new", message="两次输入的新密码不一致")])
