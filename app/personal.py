"""Personal information (个人信息保护法). Contacts' mobile numbers, e-mails and WeChat ids are shown
masked (139****0001) on pages and in exports. A user granted ``view_personal`` reveals one
contact with a click, which is logged; an export carries them in full only for a user granted
``export_personal`` who typed why — logged, and said on the file's first sheet."""
import re

from flask import request
from werkzeug.exceptions import BadRequest

from app.models import User
from app.models.enums import Permission
from app.models.labels import field_label

MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
MASKED_MOBILE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")
PERSONAL_FIELDS = ("mobile", "phone", "email", "wechat")  # a 电话 may hold a mobile number too


def mask_phone(text: str | None) -> str | None:
    """Every mobile number in the text as 139****0001 (a landline stays as it is)."""
    return MOBILE.sub(r"\1****\2", text) if text else text


def mask_email(text: str | None) -> str | None:
    if not text:
        return text
    name, _, domain = text.partition("@")
    return f"{name[:1]}***@{domain}" if domain else mask_wechat(text)


def mask_wechat(text: str | None) -> str | None:
    if not text:
        return text
    return f"{text[:1]}***{text[-1:]}" if len(text) > 2 else "***"


def shown_phone(text: str | None, full: bool) -> str | None:
    """A phone number as an export carries it: in full only when ``full`` (see ``export_reason``)."""
    return text if full else mask_phone(text)


MASKS = {"mobile": mask_phone, "phone": mask_phone, "email": mask_email, "wechat": mask_wechat}


def masked(value: str | None, field: str = "mobile") -> str | None:
    """The template filter: ``{{ contact.email | masked('email') }}``."""
    return MASKS[field](value)


def init_app(app) -> None:
    app.add_template_filter(masked)
    app.add_template_global(PERSONAL_FIELDS, "PERSONAL_FIELDS")
    app.add_template_global(field_label)


class MissingReason(BadRequest):
    description = "导出完整联系方式须填写理由（将记入审计日志并写在导出文件首页），未导出。"


def export_reason(user: User) -> str | None:
    """The reason typed for an export with full contacts (a POST by a user granted
    ``export_personal``), or None: the export masks them."""
    if request.method != "POST" or not user.may(Permission.EXPORT_PERSONAL):
        return None
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        raise MissingReason()
    return reason[:200]
