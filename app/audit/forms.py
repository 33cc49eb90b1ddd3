from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.forms import Form


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter, bookmarkable

    # Typed, not chosen: a province has some 2,000 users, and a list of them all cost the page more
    # than its rows.
    user = StringField("用户", validators=[Optional(), Length(max=50)], render_kw={"placeholder": "用户名或姓名"})
    record_type = SelectField("记录类型", validators=[Optional()])
    action = SelectField("操作", validators=[Optional()])
    date_from = DateField("起始日期", validators=[Optional()])
    date_to = DateField("截止日期", validators=[Optional()])
