from wtforms import DateField, SelectField
from wtforms.validators import Optional

from app.forms import Form, optional_int


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter, bookmarkable

    user_id = SelectField("用户", coerce=optional_int, validators=[Optional()])
    record_type = SelectField("记录类型", validators=[Optional()])
    action = SelectField("操作", validators=[Optional()])
    date_from = DateField("起始日期", validators=[Optional()])
    date_to = DateField("截止日期", validators=[Optional()])
