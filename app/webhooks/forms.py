from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.forms import CheckboxesField, Form, optional_int
from app.models.enums import WebhookEvent


class WebhookForm(Form):
    url = StringField("回调地址", validators=[DataRequired("请填写回调地址"), Length(max=500)],
                      description="接收方的 http(s) 地址，主机须在本系统允许的范围内")
    events = CheckboxesField("通知的事件", choices=WebhookEvent.choices())
    unit_id = SelectField("单位（其本身及下级的事件）", coerce=optional_int, validators=[DataRequired("请选择单位")])


class DeliveryFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField("状态", choices=[("", "全部"), ("failed", "失败"), ("pending", "待发送"), ("delivered", "已送达")])
