from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, optional_int


class LeaderForm(Form):
    version = HiddenField()
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=50)])
    post = StringField("职务（如 副市长、局长）", validators=[DataRequired("请填写职务"), Length(max=100)])
    unit_id = SelectField("所属单位", coerce=optional_int, validators=[DataRequired("请选择所属单位")])
    user_id = SelectField("关联账号（有账号的领导可收到问题提醒）", coerce=optional_int, validators=[Optional()])
    is_active = BooleanField("在任", default=True)


class LinkForm(Form):
    """Put a leader in charge of the enterprise or project whose page the form is on."""

    leader_id = SelectField("包保领导", coerce=optional_int, validators=[DataRequired("请选择包保领导")])
    enterprise_id = IntegerField(validators=[Optional()])
    project_id = IntegerField(validators=[Optional()])
