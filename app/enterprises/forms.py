from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.enterprises.services import FIELDS, EnterpriseError, clean_uscc
from app.forms import CheckboxesField, Form, optional_int
from app.models.enums import ENTERPRISE_TAGS, EnterpriseStatus, SourceRegion
from app.standards import MOBILE


def check_uscc(form, field):
    try:
        field.data = clean_uscc(field.data)
    except EnterpriseError as error:
        raise ValidationError(str(error))


class EnterpriseForm(Form):
    name = StringField("企业名称", validators=[DataRequired("请填写企业名称"), Length(max=200, message="企业名称不超过 200 个字")])
    uscc = StringField("统一社会信用代码", validators=[Optional(), check_uscc],
                       description="18 位；目标企业暂无代码可不填")
    province = StringField("所在省", validators=[Optional(), Length(max=20)])
    city = StringField("所在市", validators=[Optional(), Length(max=20)])
    source_region = SelectField("来源区域", choices=[("", "—")] + SourceRegion.choices(), validators=[Optional()])
    industry_code = StringField("行业代码（GB/T 4754）", validators=[
        Optional(), Regexp(r"^[A-T](\d{2,4})?$", message="行业代码应为门类字母加 2–4 位数字，如 C3921")])
    tags = CheckboxesField("标签", choices=[(t, t) for t in ENTERPRISE_TAGS], validators=[Optional()])
    revenue_wan = DecimalField("营收（万元）", places=2, validators=[
        Optional(), NumberRange(min=0, max=10**12, message="营收不能为负数")])
    employees = IntegerField("员工人数", validators=[Optional(), NumberRange(min=0, max=10**7, message="员工人数不能为负数")])
    status = SelectField("状态", choices=EnterpriseStatus.choices())
    unit_id = SelectField("所属单位", coerce=optional_int, validators=[DataRequired("请选择所属单位")])
    officer_id = SelectField("跟进人", coerce=optional_int, validators=[Optional()])
    notes = TextAreaField("备注", validators=[Optional(), Length(max=2000)])
    version = HiddenField()

    def data_for_service(self) -> dict:
        data = {f: getattr(self, f).data for f in FIELDS}
        return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}


def check_mobile(form, field):
    if field.data and not MOBILE.match(field.data.strip()):
        raise ValidationError("手机号应为 11 位，以 13–19 开头")


class ContactForm(Form):
    version = HiddenField()
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=50)])
    title = StringField("职务", validators=[Optional(), Length(max=50)])
    mobile = StringField("手机", validators=[Optional(), check_mobile])
    phone = StringField("电话", validators=[Optional(), Length(max=30)])
    email = StringField("邮箱", validators=[Optional(), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="邮箱格式不正确"),
                                          Length(max=120)])
    wechat = StringField("微信", validators=[Optional(), Length(max=50)])
    notes = TextAreaField("备注", validators=[Optional(), Length(max=1000)])


class MergeForm(Form):
    other_id = IntegerField("要并入本企业的记录编号", validators=[DataRequired("请填写记录编号")])


SORTS = {"name": "企业名称", "uscc": "信用代码", "status": "状态", "last_contacted_on": "最近联系", "created_at": "录入时间"}


class EnterpriseFilterForm(Form):
    """The list's filters; all of them live in the URL."""

    class Meta:
        csrf = False

    q = StringField("搜索", validators=[Optional(), Length(max=50)],
                    description="企业名称、信用代码、联系人姓名或电话")
    tag = SelectField("标签", choices=[("", "全部")] + [(t, t) for t in ENTERPRISE_TAGS], validators=[Optional()])
    source_region = SelectField("来源区域", choices=[("", "全部")] + SourceRegion.choices(), validators=[Optional()])
    status = SelectField("状态", choices=[("", "全部")] + EnterpriseStatus.choices(), validators=[Optional()])
    node_id = SelectField("产业链环节", coerce=optional_int, validators=[Optional()])
    unit_id = SelectField("所属单位", coerce=optional_int, validators=[Optional()])
    # Typed, not a select of every officer in scope: a country's 62,000 cost more than the page.
    officer = StringField("跟进人", validators=[Optional(), Length(max=50)], render_kw={"placeholder": "用户名或姓名"})
    officer_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])  # saved views made before
    contacted_after = DateField("最近联系不早于", validators=[Optional()])
    contacted_before = DateField("最近联系早于", validators=[Optional()])
    inactive = SelectField("范围", choices=[("", "在用"), ("1", "含已停用")], validators=[Optional()])
    sort = SelectField("排序", choices=[(k, v) for k, v in SORTS.items()], default="created_at",
                       validators=[Optional()])
    desc = SelectField("顺序", choices=[("1", "降序"), ("", "升序")], default="1", validators=[Optional()])
