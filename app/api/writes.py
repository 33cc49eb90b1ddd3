"""Writes through the API go the way of the pages' forms: the JSON body fills the page's own form
(its checks and messages), and the page's service saves it (its rules, review and audit). The
version a change is based on comes as ``If-Match``; a stale one is a 412 that says who changed
what meanwhile."""
from datetime import date
from decimal import Decimal
from functools import wraps

from flask import request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from app.concurrency import claim, lost_race, stale_message
from app.extensions import db
from app.web import problem


class Refused(Exception):
    """A write refused before anything was written; ``response`` says why (problem details)."""

    def __init__(self, response):
        super().__init__(response.status_code)
        self.response = response


def _posted(value) -> list[str]:
    """A value as a browser posts it: an unchecked box and an empty field are not sent."""
    if value is None or value is False:
        return []
    if value is True:
        return ["y"]
    if isinstance(value, list):
        return [item for part in value for item in _posted(part)]
    if isinstance(value, (date, Decimal, int)):
        return [str(value)]
    return [value]


def formdata(body: dict, record=None, names=(), **current) -> MultiDict:
    """The form data a browser would post: for a change (``record``) the record's current values of
    the form's fields ``names`` (or as ``current`` gives them), under what the body sets."""
    values = {name: getattr(record, name) for name in names if hasattr(record, name)} if record is not None else {}
    values.update(current)
    values.update(body)
    return MultiDict([(key, item) for key, value in values.items() for item in _posted(value)])


def checked(form):
    """The form, if it passes its own checks; else a 422 naming each field's problem."""
    if not form.validate():
        raise Refused(problem(422, "提交的数据未通过校验，见各字段的说明。", "validation",
                              {"json": {name: messages for name, messages in form.errors.items()}}))
    return form


def if_match(record) -> None:
    """Take ``record`` for this change if ``If-Match`` names its current version (the ETag its
    GET gave): 428 without one, 412 when it is stale."""
    sent = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if not sent.isdigit():
        raise Refused(problem(428, "修改须在 If-Match 头中带上记录的版本号（读取记录时的 ETag）。", "version_required"))
    if int(sent) != record.version:
        raise Refused(problem(412, stale_message(record), "stale"))
    claim(record, sent)


def etag(record) -> dict:
    return {"ETag": f'"{record.version}"'}


def created(record, endpoint: str, **values):
    """A 201 with the new record, its address and its version."""
    return record, 201, {**etag(record), "Location": url_for(endpoint, **values)}


def commit(action):
    """Run one service call and commit; a domain error (ValueError) is a 422 with its message and
    writes nothing; a save that lost a race is a 409."""
    try:
        result = action()
        db.session.commit()
    except ValueError as error:
        db.session.rollback()
        raise Refused(problem(422, str(error), "rule")) from None
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise lost_race() from None
    return result


def refusing(view):
    """A write view whose refusals (``Refused``) are its responses; nothing it wrote stays."""

    @wraps(view)
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except Refused as refused:
            db.session.rollback()
            return refused.response

    return run
