"""What the API takes and gives, field by field, each described in Chinese (the OpenAPI document
is built from these)."""
from marshmallow import Schema, fields, validate


def described(field_class, description: str, **kwargs):
    return field_class(metadata={"description": description}, **kwargs)


class Problem(Schema):
    """An error (RFC 9457 problem details), as app.web.problem writes it."""

    type = described(fields.String, "问题类型：about:blank，或 urn:zhaoshang:problem:… 供调用方据以处理")
    title = described(fields.String, "问题的简短说明")
    status = described(fields.Integer, "HTTP 状态码")
    detail = described(fields.String, "具体说明")
    errors = described(fields.Dict, "各字段的错误（校验未通过时）：位置 → 字段 → 说明")


class UnitRef(Schema):
    code = described(fields.String, "单位代码")
    name = described(fields.String, "单位名称")


class Me(Schema):
    username = described(fields.String, "用户名（服务账号以 svc- 开头）")
    name = described(fields.String, "姓名或系统名称")
    role = described(fields.String, "角色：admin、manager、officer、park_admin、security_admin、auditor")
    unit = described(fields.Nested, "所属单位：其本身及下级即数据范围", nested=UnitRef)


class Unit(Schema):
    id = described(fields.Integer, "单位编号")
    code = described(fields.String, "单位代码")
    name = described(fields.String, "单位名称")
    kind = described(fields.String, "单位类型：province 省、city 市、county 县区、zone 开发区·园区、department 处室")
    parent_id = described(fields.Integer, "上级单位编号（根单位为空）", allow_none=True)


class Units(Schema):
    units = described(fields.List, "数据范围内的单位，按代码排序", cls_or_instance=fields.Nested(Unit))


class MonthlyQuery(Schema):
    month = described(fields.String, "月份 YYYY-MM，默认上月", validate=validate.Regexp(
        r"^\d{4}-(0[1-9]|1[0-2])$", error="月份格式应为 YYYY-MM"))
    unit = described(fields.String, "单位代码，默认本人单位；须在数据范围内", validate=validate.Length(max=20))
    pending = described(fields.String, "1：同时计入待审核记录（结果中注明）", validate=validate.OneOf(["", "0", "1"]))


class Target(Schema):
    unit = described(fields.String, "单位代码")
    indicator = described(fields.String, "指标（如 签约项目数）")
    target = described(fields.Raw, "年度目标值")
    done = described(fields.Raw, "截至本月完成值")
    rate = described(fields.Float, "完成率（小数）", allow_none=True)
    ahead_points = described(fields.Raw, "超欠时间进度（百分点）", allow_none=True)


class Monthly(Schema):
    """The monthly report's summary: the same figures as the workbook's 汇总 sheet."""

    month = described(fields.String, "月份 YYYY-MM")
    unit = described(fields.String, "单位代码")
    amount_unit = described(fields.String, "金额单位：万元（外资另以万美元）")
    time_progress = described(fields.Float, "时间进度（小数）")
    tiers_wan = described(fields.List, "协议投资分档的下限（万元）", cls_or_instance=fields.Raw())
    indicators = described(fields.Dict, "合计：各期（本月、上月、本年、上年同期）各指标的值", keys=fields.String(),
                           values=fields.Dict())
    yoy = described(fields.Dict, "同比（小数）：本月对上月、本年对上年同期", keys=fields.String(), values=fields.Dict())
    targets = described(fields.List, "目标任务完成情况", cls_or_instance=fields.Nested(Target))
    units = described(fields.List, "各单位各期指标，与合计同形", cls_or_instance=fields.Dict())
    breakdowns = described(fields.Dict, "按产业链、来源地等分组的各阶段项目数和金额", keys=fields.String(),
                           values=fields.List(fields.Dict()))
