"""Characters no input may carry, checked in one place for every request (``refuse_unsafe``) and
every imported cell (app/excel/read.py): control characters — PostgreSQL refuses NUL in text,
BEL and ESC hide in a page or a workbook — and the bidirectional overrides that make a name
read other than it is stored. Tab, newline and return are text in a form's long fields and in
cells; a URL's parameters take none of them (a CR/LF there is a header-splitting attempt).
"""
import re

from flask import request
from werkzeug.exceptions import BadRequest

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
UNSAFE_IN_URL = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class UnsafeInput(BadRequest):
    """Answered with its Chinese description (app/errors/handlers.py), before anything is written."""


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _first(pattern: re.Pattern, texts) -> str | None:
    for text in texts:
        found = pattern.search(text)
        if found:
            return found[0]
    return None


def refuse_unsafe() -> None:
    """Refuse the request (400, nothing written) if a parameter, form field, file name or JSON
    string carries an unsafe character."""
    found = _first(UNSAFE_IN_URL, [request.path, *request.args.keys(), *request.args.values()])
    if found:
        raise UnsafeInput(f"网址或查询条件中含不可见的控制字符（{code_point(found)}），请删除后重试。")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    found = _first(UNSAFE, [*request.form.keys(), *request.form.values(),
                            *(upload.filename or "" for upload in request.files.values())])
    if found is None and request.is_json:
        found = _first(UNSAFE, _strings(request.get_json(silent=True)))
    if found:
        raise UnsafeInput(f"提交的内容中含不可见的控制字符（{code_point(found)}），请删除后重新提交。")
