from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.activities.services import FIELDS
from app.forms import Form, optional_int
from app.models.enums import ActivityKind


class ActivityForm(Form):
    version = HiddenField()
    kind = SelectField("方式", choices=ActivityKind.choices())
    occurred_on = DateField("对接日期", validators=[DataRequired("请填写对接日期（格式 2026-01-31）")])
    unit_id = SelectField("填报单位", coerce=optional_int, validators=[DataRequired("请选择填报单位")])
    participants = StringField("我方参加人员", validators=[Optional(), Length(max=200)])
    led_by_top_leader = BooleanField("主要领导带队（一把手招商）")
    enterprise_ids = SelectMultipleField("对接企业", coerce=int, validators=[Optional()],
                                         render_kw={"data-typeahead": "/search/enterprises.json"})
    project_id = SelectField("关联项目", coerce=optional_int, validators=[Optional()],
                             render_kw={"data-typeahead": "/search/projects.json"})
    summary = TextAreaField("对接内容", validators=[DataRequired("请填写对接内容"), Length(max=4000)])
    outcome = TextAreaField("成效", validators=[Optional(), Length(max=2000)])
    next_step = TextAreaField("下一步", validators=[Optional(), Length(max=2000)])
    next_follow_up_on = DateField("下次跟进日期", validators=[Optional()])
    attachments = MultipleFileField("附件（pdf、jpg、png、xlsx、docx，单个不超过 20 MB）")
    photos = MultipleFileField("现场照片（手机上可直接拍照）", render_kw={"accept": "image/*", "capture": "environment"})

    def data_for_service(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name in FIELDS}


SORTS = {"occurred_on": "对接日期", "next_follow_up_on": "下次跟进日期", "created_at": "录入时间"}


class ActivityFilterForm(Form):
    """The visit log's filters, bookmarkable (GET)."""

    class Meta:
        csrf = False

    q = StringField("内容或企业", validators=[Optional(), Length(max=50)])
    kind = SelectField("方式", choices=[("", "全部")] + ActivityKind.choices(), validators=[Optional()])
    unit_id = SelectField("填报单位（含下级）", coerce=optional_int, validators=[Optional()])
    date_from = DateField("对接日期自", validators=[Optional()])
    date_to = DateField("至", validators=[Optional()])
    led = SelectField("主要领导带队", choices=[("", "全部"), ("1", "是")], validators=[Optional()])
    follow_up = SelectField("跟进", choices=[("", "全部"), ("open", "待跟进"), ("overdue", "跟进逾期")],
                            validators=[Optional()])
    mine = SelectField("跟进人", choices=[("", "全部"), ("1", "由我跟进")], validators=[Optional()])
    sort = SelectField("排序", choices=list(SORTS.items()), default="occurred_on", validators=[Optional()])
    desc = SelectField("顺序", choices=[("1", "降序"), ("", "升序")], default="1", validators=[Optional()])
