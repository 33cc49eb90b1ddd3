from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import optional_int
from app.forms import Form
from app.models.enums import GapMark, NodeRole, Segment


class ChainForm(Form):
    name = StringField("产业链名称", validators=[DataRequired("请填写产业链名称"), Length(max=100)])
    cluster = StringField("产业集群", validators=[DataRequired("请填写所属产业集群"), Length(max=100)])
    leader = StringField("链长", validators=[Optional(), Length(max=50)])
    unit_id = SelectField("责任单位", coerce=optional_int, validators=[DataRequired("请选择责任单位")])
    description = TextAreaField("简介", validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class NodeForm(Form):
    parent_id = SelectField("上级环节", coerce=optional_int, validators=[Optional()])
    segment = SelectField("链段（有上级环节时随上级）", choices=Segment.choices())
    name = StringField("环节名称", validators=[DataRequired("请填写环节名称"), Length(max=100)])
    industry_codes = StringField("国标行业代码（GB/T 4754，多个用逗号分隔）", validators=[Optional(), Length(max=100)])
    gap = SelectField("短板标识", choices=GapMark.choices())
    description = TextAreaField("描述", validators=[Optional(), Length(max=2000)])
    key_technologies = TextAreaField("关键技术", validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class DeleteNodeForm(Form):
    move_to = SelectField("先把下级环节、企业和项目移到", coerce=optional_int, validators=[Optional()])


class LinkForm(Form):
    """An enterprise put on a node, from the node's page or from the enterprise's."""

    node_id = SelectField("产业链环节", coerce=optional_int, validate_choice=False,
                          validators=[DataRequired("请选择产业链环节")])
    enterprise_id = HiddenField(validators=[DataRequired("请选择企业")])
    role = SelectField("角色", choices=NodeRole.choices())
    back = HiddenField()  # "node" or "enterprise": the page to go back to


class UnlinkForm(Form):
    node_id = HiddenField(validators=[DataRequired()])
    enterprise_id = HiddenField(validators=[DataRequired()])
    back = HiddenField()  # "node" or "enterprise": the page to go back to
