"""What the API takes and gives, field by field, each described in Chinese (the OpenAPI document
is built from these). Records are described from their models — the column's type and the name
users know it by (app/models/labels.py) — and a list's query from the page's own filter form, so
the API cannot drift from the pages."""
from datetime import date, datetime, time
from decimal import Decimal

from marshmallow import Schema, fields, validate
from wtforms import fields as form_fields
from wtforms import validators as form_validators
from wtforms.fields.core import UnboundField

from app.forms import optional_int
from app.models import OrgUnit
from app.models.common import BEIJING, Timestamped, as_utc
from app.models.labels import CHOICES, field_label

MAX_ID = 2**31 - 1

# marshmallow's messages, in Chinese: every field is made here with them.
MESSAGES = {
    "required": "必须填写。", "null": "不能为空。", "validator_failed": "值无效。", "invalid": "格式无效。",
    "invalid_utf8": "不是有效的 UTF-8 文本。", "too_large": "数值过大。", "special": "不能是 NaN 或无穷大。",
    "format": "“{input}”不是有效的日期。", "type": "类型无效。",
}


class ApiSchema(Schema):
    class Meta:
        ordered = True

    error_messages = {"type": "请求体应为 JSON 对象。", "unknown": "未知字段。"}


def described(field_class, description: str, **kwargs):
    return field_class(metadata={"description": description}, error_messages=MESSAGES, **kwargs)


def one_of(values) -> validate.OneOf:
    return validate.OneOf(list(values), error="应为以下之一：{choices}。")


def at_most(length: int) -> validate.Length:
    return validate.Length(max=length, error="不能超过 {max} 个字符。")


def id_range() -> validate.Range:
    return validate.Range(min=1, max=MAX_ID, error="应为 {min} 到 {max} 之间的编号。")


class Amount(fields.Decimal):
    """An amount or quantity as a string of its exact decimal digits ("60000.00"): a float would
    round what the ledger holds."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, allow_nan=False, **kwargs)


class UtcDateTime(fields.DateTime):
    """A stored moment, written with its offset (UTC)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else as_utc(value).isoformat()


class Since(fields.AwareDateTime):
    """A moment a client gives: ISO 8601; without an offset it is Beijing time; a bare date is
    that day's beginning in Beijing."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=BEIJING, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and len(value) == 10:
            try:
                return datetime.combine(date.fromisoformat(value), time(), BEIJING)
            except ValueError:
                pass
        return super()._deserialize(value, attr, data, **kwargs)


def _choice_text(label: str, choices) -> str:
    return f"{label}：" + "、".join(f"{value} {text}" for value, text in choices if value)


COLUMN_FIELDS = {int: fields.Integer, str: fields.String, bool: fields.Boolean, date: fields.Date,
                 datetime: UtcDateTime, Decimal: Amount, dict: fields.Dict, list: fields.List}


def _column_field(model, key: str):
    column = model.__table__.c[key]
    label = field_label(model.__name__, key)
    choice = CHOICES.get((model.__name__, key))
    if choice is not None:
        label = _choice_text(label, choice.choices())
    elif key.endswith("_wan") and "万" not in label:
        label += "（万元）"
    elif key == "version":
        label = "版本号：每次修改加一；修改时以 If-Match 带上所依据的版本"
    elif key in ("created_at", "updated_at"):
        label = {"created_at": "录入时间", "updated_at": "最后修改时间"}[key]
    kind = column.type.python_type
    kwargs = {"cls_or_instance": fields.Raw()} if kind is list else {}
    return described(COLUMN_FIELDS[kind], label, allow_none=column.nullable, **kwargs)


def record(model, names: str, name: str | None = None, **extra) -> type[Schema]:
    """A record as the API gives it: the named columns of ``model`` (space-separated), each typed and
    described from the model, and ``extra`` fields."""
    columns = {key: _column_field(model, key) for key in names.split()}
    return ApiSchema.from_dict({**columns, **extra}, name=name or model.__name__)


def _form_field(unbound: UnboundField):
    """A WTForms field as a marshmallow one: the same type, choices, lengths and ranges."""
    kind, kwargs = unbound.field_class, unbound.kwargs
    label = kwargs.get("label") or (unbound.args[0] if unbound.args else "")
    checks = kwargs.get("validators") or []
    required = any(isinstance(v, (form_validators.DataRequired, form_validators.InputRequired)) for v in checks)
    limits = [validate.Range(min=v.min, max=v.max, error="应在 {min} 到 {max} 之间。")
              for v in checks if isinstance(v, form_validators.NumberRange)]
    limits += [at_most(v.max) for v in checks if isinstance(v, form_validators.Length) and v.max > 0]
    common = {"required": required, "allow_none": not required}
    if issubclass(kind, form_fields.SelectMultipleField):
        if kwargs.get("coerce") is int:
            return described(fields.List, f"{label}（编号，可多个）", cls_or_instance=fields.Integer(
                validate=id_range(), error_messages=MESSAGES), **common)
        return described(fields.List, _choice_text(f"{label}（可多个）", kwargs["choices"]), cls_or_instance=fields.String(
            validate=one_of(str(value) for value, _ in kwargs["choices"]), error_messages=MESSAGES), **common)
    if issubclass(kind, form_fields.SelectField):
        if kwargs.get("coerce") in (optional_int, int):
            return described(fields.Integer, f"{label}（编号）", validate=id_range(), **common)
        if not kwargs.get("choices"):  # choices the page fills in for its user
            return described(fields.String, label, validate=[at_most(100)], **common)
        values = [str(value) for value, _ in kwargs["choices"]]
        if "" not in values and not required:  # a browser posts the option shown selected
            first = str(kwargs.get("default") or values[0])
            return described(fields.String, _choice_text(label, kwargs["choices"]) + f"；默认 {first}",
                             validate=one_of(values), load_default=first)
        return described(fields.String, _choice_text(label, kwargs["choices"]), validate=one_of(values), **common)
    if issubclass(kind, form_fields.BooleanField):
        return described(fields.Boolean, label, **common)
    if issubclass(kind, form_fields.MonthField):
        return described(fields.String, f"{label}（YYYY-MM）", validate=validate.Regexp(
            r"^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$", error="月份格式应为 YYYY-MM"), **common)
    if issubclass(kind, form_fields.DateField):
        return described(fields.Date, f"{label}（YYYY-MM-DD）", **common)
    if issubclass(kind, form_fields.IntegerField):  # at most what the database's INTEGER holds
        return described(fields.Integer, label, validate=limits or [validate.Range(
            min=-MAX_ID, max=MAX_ID, error="应在 {min} 到 {max} 之间。")], **common)
    if issubclass(kind, form_fields.DecimalField):  # a string of digits: its range is the form's to check
        return described(Amount, label, **common)
    return described(fields.String, label, validate=limits, **common)


def form_fields_of(form_class, leave_out=()) -> dict:
    unbound = [(name, value) for name in dir(form_class)
               if isinstance(value := getattr(form_class, name), UnboundField) and name not in leave_out]
    return {name: value for name, value in sorted(unbound, key=lambda item: item[1].creation_counter)}


def body(form_class, name: str, leave_out=("version",), **extra) -> type[Schema]:
    """What a write takes: the page's form's fields (files and the version aside: the version comes
    as If-Match), typed and described from it, and ``extra`` fields. The form itself then checks
    it as on the page."""
    skipped = {n for n, f in form_fields_of(form_class).items()
               if issubclass(f.field_class, form_fields.FileField)} | set(leave_out)
    return ApiSchema.from_dict({**{key: _form_field(f) for key, f in form_fields_of(form_class, skipped).items()},
                                **extra}, name=name)


def query(form_class, model, name: str, descending: bool = True, **extra) -> type[Schema]:
    """A list's query: the page's filters (``form_class``; None where the page has none), its
    sorts (and the last change), a cursor and a limit; ``updated_since`` where records carry their
    last change; ``extra`` fields; ``descending``: the order unless told."""
    filters = form_fields_of(form_class) if form_class is not None else {}
    sorts = list(filters.pop("sort").kwargs["choices"]) if "sort" in filters else [("id", "编号")]
    filters.pop("desc", None)
    own = {key: _form_field(f) for key, f in filters.items()}
    if issubclass(model, Timestamped):
        sorts.append(("updated_at", "最后修改时间"))
        extra["updated_since"] = described(Since, "只列出此时刻以后（含）修改过的记录：ISO 8601 时刻，或日期（北京时间当日零时起）")
    return ApiSchema.from_dict({
        **own, **extra,
        "sort": described(fields.String, _choice_text("排序", sorts), validate=one_of(value for value, _ in sorts)),
        "desc": described(fields.Boolean, f"是否降序，默认{'是' if descending else '否'}", load_default=descending),
        "cursor": described(fields.String, "上一页返回的 next_cursor；不带则从第一页起", validate=at_most(500)),
        "limit": described(fields.Integer, "每页条数，1–500，默认 100",
                           validate=validate.Range(min=1, max=500, error="应在 {min} 到 {max} 之间。")),
    }, name=name)


def page_of(item: type[Schema], name: str) -> type[Schema]:
    return ApiSchema.from_dict({
        "items": described(fields.List, "本页记录", cls_or_instance=fields.Nested(item)),
        "next_cursor": described(fields.String, "下一页的游标；为空表示已到最后一页", allow_none=True),
    }, name=name)


class Problem(ApiSchema):
    """An error (RFC 9457 problem details), as app.web.problem writes it."""

    type = described(fields.String, "问题类型：about:blank，或 urn:zhaoshang:problem:… 供调用方据以处理")
    title = described(fields.String, "问题的简短说明")
    status = described(fields.Integer, "HTTP 状态码")
    detail = described(fields.String, "具体说明")
    errors = described(fields.Dict, "各字段的错误（校验未通过时）：位置 → 字段 → 说明")


UnitRef = record(OrgUnit, "code name", name="UnitRef")


class Me(ApiSchema):
    username = described(fields.String, "用户名（服务账号以 svc- 开头）")
    name = described(fields.String, "姓名或系统名称")
    role = described(fields.String, "角色：admin、manager、officer、park_admin、security_admin、auditor")
    unit = described(fields.Nested, "所属单位：其本身及下级即数据范围", nested=UnitRef)


Unit = record(OrgUnit, "id code name kind parent_id", name="Unit")


class Units(ApiSchema):
    units = described(fields.List, "数据范围内的单位，按代码排序", cls_or_instance=fields.Nested(Unit))


def month_field(description: str):
    return described(fields.String, description, validate=validate.Regexp(
        r"^\d{4}-(0[1-9]|1[0-2])$", error="月份格式应为 YYYY-MM"))


class MonthlyQuery(ApiSchema):
    month = month_field("月份 YYYY-MM，默认上月")
    unit = described(fields.String, "单位代码，默认本人单位；须在数据范围内", validate=validate.Length(max=20))
    pending = described(fields.String, "1：同时计入待审核记录（结果中注明）", validate=validate.OneOf(["", "0", "1"]))


class TargetProgress(ApiSchema):
    unit = described(fields.String, "单位代码")
    indicator = described(fields.String, "指标（如 签约项目数）")
    target = described(fields.Raw, "年度目标值")
    done = described(fields.Raw, "截至本月完成值")
    rate = described(fields.Float, "完成率（小数）", allow_none=True)
    ahead_points = described(fields.Raw, "超欠时间进度（百分点）", allow_none=True)


class Monthly(ApiSchema):
    """The monthly report's summary: the same figures as the workbook's 汇总 sheet."""

    month = described(fields.String, "月份 YYYY-MM")
    unit = described(fields.String, "单位代码")
    amount_unit = described(fields.String, "金额单位：万元（外资另以万美元）")
    time_progress = described(fields.Float, "时间进度（小数）")
    tiers_wan = described(fields.List, "协议投资分档的下限（万元）", cls_or_instance=fields.Raw())
    indicators = described(fields.Dict, "合计：各期（本月、上月、本年、上年同期）各指标的值", keys=fields.String(),
                           values=fields.Dict())
    yoy = described(fields.Dict, "同比（小数）：本月对上月、本年对上年同期", keys=fields.String(), values=fields.Dict())
    targets = described(fields.List, "目标任务完成情况", cls_or_instance=fields.Nested(TargetProgress))
    units = described(fields.List, "各单位各期指标，与合计同形", cls_or_instance=fields.Dict())
    breakdowns = described(fields.Dict, "按产业链、来源地等分组的各阶段项目数和金额", keys=fields.String(),
                           values=fields.List(fields.Dict()))
