"""Reading ledgers as bureaus keep them: .xlsx, .xls and .csv (UTF-8 or GBK), every visible sheet.

A sheet's header is found below its title lines (a "单位：亿元" line there sets the unit of its
amounts) and may be two rows, a group merged over its sub-headers. Each column is matched to a
field by the user's choice, then a choice remembered for the unit, then the field's header names,
then its key words; the unit in a header's brackets is kept. Rows below the table that are notes,
signatures or totals, and blank rows inside it, are reported as skipped, never as data.

Cells are kept as the user typed them (only their edges trimmed): folding is for matching keys.
A workbook is checked from its zip directory and a streamed pass over its sheets' XML before it
is expanded (a compressed bomb is refused in that pass), and that pass also finds the formula and
error cells (#REF! …), which calamine reads as plain values or blanks; an .xls's record stream
is read for them too.
"""
import csv
import functools
import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

import olefile
from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

from app.hygiene import UNSAFE, code_point

MAX_BYTES = 20 * 1024 * 1024  # the file as uploaded
MAX_ROWS = 50_000  # data rows, all sheets together
SPARE_ROWS = 500  # rows a sheet may hold besides its data: titles, notes, blanks
MAX_SHEET_XML = 300 * 1024 * 1024  # the sheets' XML unpacked, all together (50,000 × 60 cells is ~150 MB)
MAX_STRINGS_XML = 100 * 1024 * 1024  # the shared-string table unpacked
MAX_CELLS = 3_500_000
HEADER_SCAN_ROWS = 20
EXCEL_EPOCH = date(1899, 12, 30)

INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")  # zero-width characters
EDGE_SPACE = " \t\r\n\u3000\u00a0"


class ExcelError(ValueError):
    """A file that cannot be imported; the message says why, in Chinese."""


def fold(text: str) -> str:
    """Full-width → half-width, zero-width characters dropped, trimmed: for matching keys only."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip()


_ESCAPED = re.compile(r"^'(?=[=+\-@])")  # the ' that exports used to put before formula-like text


def as_typed(value: Any) -> Any:
    """A cell as the user typed it: text trimmed at its edges (None when nothing is left). A ' before
    = + - @ is dropped: Excel never keeps one (it is how a cell is typed as text), so it comes from
    a workbook this app exported before it wrote such text as plain text."""
    if isinstance(value, str):
        value = value.strip(EDGE_SPACE)
        return (_ESCAPED.sub("", value) if value[:1] == "'" else value) or None
    return value


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------- headers and fields ----------

UNITS = ("万美元", "亿元", "万元", "美元", "元", "亿", "万", "平方米", "万平方米", "㎡", "m²", "m2", "亩", "公顷",
         "人", "吨标煤/年", "吨标煤", "kVA", "千伏安", "吨/日", "吨/天", "吨/年", "t/h", "个", "家", "%")
# Units a header may end with outside brackets (总投资亿元, 面积亩); not 人, 个 or 万, which end
# words (联系人, 责任人).
SUFFIX_UNITS = ("万平方米", "吨标煤/年", "万美元", "平方米", "吨标煤", "千伏安", "亿元", "万元", "美元", "公顷", "吨/日",
                "吨/天", "吨/年", "kVA", "㎡", "亩")
_BRACKETED = re.compile(r"[(（\[【]\s*([^()（）\[\]【】]*?)\s*[)）\]】]")
_PUNCT = re.compile(r"[\s:：*＊()（）\[\]【】·•/\\、,，.。_\-—'\"“”]")
_TITLE_UNIT = re.compile(r"(?:金额|资金|投资)?单位\s*[:：]\s*(万美元|亿元|万元|元)")


@functools.lru_cache(maxsize=4096)
def split_unit(text: str) -> tuple[str, str | None]:
    """A header's key (folded, punctuation dropped) and the unit it names: 总投资额[亿元] → (总投资额, 亿元);
    also （万元）, /亿元 and a bare unit at the end (总投资亿元)."""
    folded = fold(text)
    unit = None
    for inner in _BRACKETED.findall(folded):
        found = inner.removeprefix("单位").lstrip(":：").strip()
        if found in UNITS:
            unit = found
            folded = folded.replace(inner, "")
    if unit is None:
        for candidate in SUFFIX_UNITS:
            stem = folded.rstrip().removesuffix(candidate)
            if stem != folded and len(_PUNCT.sub("", stem)) >= 2:
                unit, folded = candidate, stem
                break
    return _PUNCT.sub("", folded), unit


def header_key(text: Any) -> str:
    return split_unit(str(text))[0] if text not in (None, "") else ""


@dataclass
class FieldSpec:
    """What a kind of import reads: per field, its header names (the first is the template's) and
    key words: a header matches when it holds a word of every group, and none of ``not_words``."""

    names: dict[str, tuple[str, ...]]
    words: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    not_words: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, name: str) -> str:
        return self.names[name][0]

    def by_label(self, text: str) -> str | None:
        """The field a user names, by its label or any of its header names."""
        key = header_key(text)
        return next((f for f, names in self.names.items() if key in {header_key(n) for n in (f, *names)}), None)


class Matcher:
    """Which field a header fills: the user's choice for this file, then a choice remembered for the
    user's unit, then the field's header names, then its key words (the longest match wins)."""

    SOURCES = {"chosen": "本次指定", "remembered": "记住的选择", "name": "表头名称", "words": "关键词"}

    def __init__(self, spec: FieldSpec, chosen: dict[str, str | None] | None = None,
                 remembered: dict[str, str | None] | None = None):
        self.spec = spec
        self.chosen = chosen or {}
        self.remembered = remembered or {}
        self.names = {header_key(n): f for f, names in spec.names.items() for n in names}

    def match(self, key: str) -> tuple[str | None, str | None]:
        """(field or None, how it was found)."""
        if not key:
            return None, None
        for source, choices in (("chosen", self.chosen), ("remembered", self.remembered)):
            if key in choices:
                return choices[key], source
        if key in self.names:
            return self.names[key], "name"
        best, length = None, 0
        for name, groups in self.spec.words.items():
            if any(word in key for word in self.spec.not_words.get(name, ())):
                continue
            hits = [max((w for w in group if w in key), key=len, default=None) for group in groups]
            if all(hits) and sum(map(len, hits)) > length:
                best, length = name, sum(map(len, hits))
        return best, "words" if best else None


@dataclass
class Column:
    index: int
    header: str  # as the file writes it; a sub-header under a group is "组·子"
    key: str
    field: str | None = None
    source: str | None = None  # how the field was found (Matcher.SOURCES)
    unit: str | None = None
    filled: int = 0  # data cells it holds

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class SourceRow:
    sheet: str
    number: int  # the row number Excel shows
    values: dict[str, Any]  # field → cell as typed
    cells: list[Any]  # the row's cells as read, for the error workbook
    problems: list[str] = field(default_factory=list)  # cells that cannot be trusted


@dataclass
class SheetTable:
    name: str
    header_row: int  # the last header row, as Excel numbers it
    columns: list[Column]
    unit: str | None = None  # the amounts' unit a title line states

    def units(self) -> dict[str, str]:
        """field → the unit its header names; under "*" the unit a title line states for amounts."""
        return {**{c.field: c.unit for c in self.columns if c.field and c.unit}, **({"*": self.unit} if self.unit else {})}

    def mapped(self) -> dict[str, Column]:
        """field → the column that fills it. When two columns name one field, the user's choice
        beats a remembered one, which beats a header name, which beats key words; then the first."""
        rank = list(Matcher.SOURCES)
        found: dict[str, Column] = {}
        for column in self.columns:
            if column.field and (column.field not in found or
                                 rank.index(column.source) < rank.index(found[column.field].source)):
                found[column.field] = column
        return found


@dataclass
class Source:
    """What a file holds for one kind of import."""

    sheets: list[SheetTable] = field(default_factory=list)  # the sheets read
    passed: list[tuple[str, str]] = field(default_factory=list)  # (sheet, why it was not read)
    rows: list[SourceRow] = field(default_factory=list)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # (sheet, row, reason)
    missing: list[str] = field(default_factory=list)  # required fields no sheet has: map a column first


# ---------- opening a file ----------

@dataclass
class RawSheet:
    name: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col
    hidden: bool = False
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, col), 0-based
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → #REF! …


def open_sheets(path: Path, filename: str) -> list[RawSheet]:
    """Every sheet of the file as rows of cells; raises ExcelError for what cannot be read safely."""
    if path.stat().st_size > MAX_BYTES:
        raise ExcelError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后再导入。")
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise ExcelError("文件是空的。")
    if head.startswith(b"PK"):
        return _open_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            raise ExcelError(_PASSWORD)
        damaged = "文件已损坏或不是有效的 .xls 文件。"
        try:
            marks = _scan_biff(path)
        except Exception as error:  # a damaged compound file raises many kinds
            raise ExcelError(damaged) from error
        return _open_calamine(path, marks, damaged)
    if filename.lower().endswith((".csv", ".txt")):
        return [RawSheet("CSV", _read_csv(path))]
    raise ExcelError("无法识别的文件：请上传 .xlsx、.xls 或 .csv（UTF-8 或 GBK 编码）文件。")


_PASSWORD = "文件设置了打开密码：请在 Excel 或 WPS 中取消密码（文件 → 信息 → 保护工作簿）后另存，再导入。"


def _open_xlsx(path: Path) -> list[RawSheet]:
    try:
        with zipfile.ZipFile(path) as package:
            marks = _scan_package(package)
    except ExcelError:
        raise
    except Exception as error:  # a damaged zip or XML raises many kinds
        raise ExcelError("文件已损坏或不是有效的 .xlsx 文件。") from error
    return _open_calamine(path, marks, "文件已损坏或不是有效的 .xlsx 文件。")


def _open_calamine(path: Path, marks: dict, damaged: str) -> list[RawSheet]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in workbook.sheets_metadata:
            hidden = meta.visible != SheetVisibleEnum.Visible
            sheet = RawSheet(meta.name, [], hidden=hidden)
            if not hidden:
                data = workbook.get_sheet_by_name(meta.name)
                sheet.rows = [[v if type(v) is str and v else _cell_value(v) for v in row]  # text: the most cells
                              for row in data.to_python(skip_empty_area=False)]
                sheet.merges = [(a[0], a[1], b[0], b[1]) for a, b in (data.merged_cell_ranges or [])]
                sheet.formulas, sheet.errors = marks.get(meta.name, (set(), {}))
            sheets.append(sheet)
        return sheets
    except PasswordError:
        raise ExcelError(_PASSWORD) from None
    except ExcelError:
        raise
    except Exception as error:
        raise ExcelError(damaged) from error


def _cell_value(value: Any) -> Any:
    """calamine gives "" for empty cells and floats for whole numbers (phones, years): normalise."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, time):
        return value.isoformat()
    return value


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExcelError("CSV 文件编码无法识别，请保存为 UTF-8 或 GBK 编码。")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [[cell if cell != "" else None for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    if len(rows) > MAX_ROWS + SPARE_ROWS:
        raise ExcelError(f"数据超过 {MAX_ROWS:,} 行，请拆分成多个文件导入。")
    return rows


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(rb"""\br=["']([A-Z]{1,3})([0-9]+)["']""")
_FORMULA_CELL = re.compile(rb"<c\b([^>]*)>\s*(?:<v>[^<]*</v>\s*)?<f\b")
_ERROR_CELL = re.compile(rb"""<c\b([^>]*\bt=["']e["'][^>]*)>\s*(?:<f\b[^>]*(?:/>|>[^<]*</f>)\s*)?<v>([^<]*)</v>""")
_CHUNK = 4 * 1024 * 1024


def _scan_package(package: zipfile.ZipFile) -> dict[str, tuple[set, dict]]:
    """Sheet name → (formula cells, error cells), after checking the parts' sizes: first as the zip
    directory states them, then as they really unpack (a directory may lie), stopping as soon as a
    bound is passed so that a bomb is never expanded."""
    infos = {info.filename: info for info in package.infolist()}
    if "xl/workbook.xml" not in infos:
        raise ExcelError("文件不是有效的 .xlsx 工作簿。")
    if "EncryptedPackage" in infos:
        raise ExcelError(_PASSWORD)
    parts = _sheet_parts(package)
    stated = sum(infos[p].file_size for p in parts.values() if p in infos)
    strings = infos.get("xl/sharedStrings.xml")
    if stated > MAX_SHEET_XML or (strings and strings.file_size > MAX_STRINGS_XML):
        raise ExcelError(_TOO_BIG)
    if strings:
        _read_bounded(package, strings.filename, MAX_STRINGS_XML)
    budget = {"bytes": MAX_SHEET_XML, "rows": MAX_ROWS + SPARE_ROWS * max(len(parts), 1), "cells": MAX_CELLS}
    return {name: _scan_sheet(package, part, budget) for name, part in parts.items() if part in infos}


# BIFF8 (.xls) records: a sheet's name and where its records start; a cell with a formula; a
# cell holding a boolean or an error value.
_BOUNDSHEET, _BOF, _FORMULA, _BOOLERR = 0x0085, 0x0809, 0x0006, 0x0205
_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A"}


def _scan_biff(path: Path) -> dict[str, tuple[set, dict]]:
    """Sheet name → (formula cells, error cells) of an .xls, from its record stream (calamine reads
    a formula as its last value and an error as a blank)."""
    with olefile.OleFileIO(str(path)) as ole:
        if not ole.exists("Workbook"):
            return {}  # BIFF5 and older keep a "Book" stream: read as they are
        stream = ole.openstream("Workbook").read()
    names: dict[int, str] = {}  # where a sheet's records start → its name
    marks: dict[str, tuple[set, dict]] = {}
    current: tuple[set, dict] | None = None
    offset = 0
    while offset + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, offset)
        data = stream[offset + 4:offset + 4 + size]
        if kind == _BOUNDSHEET and size >= 8:
            start, length, wide = struct.unpack_from("<I", data)[0], data[6], data[7] & 1
            names[start] = data[8:8 + length * (2 if wide else 1)].decode("utf-16-le" if wide else "latin-1")
        elif kind == _BOF:
            current = marks.setdefault(names[offset], (set(), {})) if offset in names else None
        elif current is not None and kind == _FORMULA and size >= 14:
            row, col = struct.unpack_from("<HH", data)
            current[0].add((row, col))
            if data[12:14] == b"\xff\xff" and data[6] == 2:  # its last value is an error
                current[1][(row, col)] = _BIFF_ERRORS.get(data[8], "#错误")
        elif current is not None and kind == _BOOLERR and size >= 8 and data[7] == 1:
            row, col = struct.unpack_from("<HH", data)
            current[1][(row, col)] = _BIFF_ERRORS.get(data[6], "#错误")
        offset += 4 + size
    return marks


_TOO_BIG = f"工作簿过大（超过 {MAX_ROWS:,} 行或单元格过多），请拆分成多个文件导入。"


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip part holding its XML."""
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if package.getinfo(name).file_size > 5 * 1024 * 1024:
            raise ExcelError("文件已损坏或不是有效的 .xlsx 文件。")
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        target = targets.get(sheet.get(_REL_ID), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else \
            str(PurePosixPath("xl") / target)
    return parts


def _read_bounded(package: zipfile.ZipFile, name: str, limit: int) -> None:
    with package.open(name) as stream:
        read = 0
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > limit:
                raise ExcelError(_TOO_BIG)


def _scan_sheet(package: zipfile.ZipFile, name: str, budget: dict) -> tuple[set, dict]:
    formulas: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    with package.open(name) as stream:
        carry = b""
        while True:
            chunk = stream.read(_CHUNK)
            data = carry + chunk
            cut = max(data.rfind(b"<c "), data.rfind(b"<c>")) if chunk else len(data)
            if cut <= 0:
                cut = len(data)
            done, carry = data[:cut], data[cut:]
            budget["bytes"] -= len(chunk)
            budget["rows"] -= done.count(b"<row")
            budget["cells"] -= done.count(b"<c ") + done.count(b"<c>")
            if min(budget.values()) < 0:
                raise ExcelError(_TOO_BIG)
            if b"<f" in done:  # most ledgers hold neither: skip the slower searches
                for match in _FORMULA_CELL.finditer(done):
                    formulas.add(_position(match[1]))
            if b"t=\"e\"" in done or b"t='e'" in done:
                for match in _ERROR_CELL.finditer(done):
                    errors[_position(match[1])] = match[2].decode(errors="replace")
            if not chunk:
                return formulas, errors


def _position(attributes: bytes) -> tuple[int, int]:
    ref = _CELL_REF.search(attributes)
    if not ref:
        return (-1, -1)  # a cell without its reference: still refused, named by its sheet only
    column = 0
    for letter in ref[1].decode():
        column = column * 26 + ord(letter) - 64
    return int(ref[2]) - 1, column - 1


# ---------- finding the table ----------

_NOTE = re.compile(r"^(备注|备\s*注|注\s*[:：\d一二三四五六七八九十①-⑩、.]|注$|说明\s*[:：]|填报人|填表人|制表人|审核人|"
                   r"审核|复核人|统计人|负责人|单位负责人|主要负责人|分管领导|经办人|联系人\s*[:：]|联系电话\s*[:：]|"
                   r"填报日期|填表日期|报送日期|填报说明|数据来源)")
_CONTINUATION = re.compile(r"^(\d+|[一二三四五六七八九十]+|[①-⑩])\s*[.、．:：)）]")
_TOTAL = re.compile(r"^(合计|总计|小计|累计|共计|总共)")


def _text(value: Any) -> str:
    return fold(str(value)).replace(" ", "") if value not in (None, "") else ""


def _filled(row: list[Any]) -> list[int]:
    return [i for i, v in enumerate(row) if v not in (None, "") and (not isinstance(v, str) or v.strip())]


def locate(sheet: RawSheet, matcher: Matcher) -> tuple[int, int, list[Column]] | None:
    """The sheet's header rows (first and last, 0-based) and its columns; None when nothing in
    the first rows looks like a header."""
    rows = sheet.rows[:HEADER_SCAN_ROWS + 1]
    best: tuple[int, int, int, list[str]] | None = None  # score, first, last, headers
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        candidates = [(index, [str(v).strip() if v not in (None, "") else "" for v in row])]
        if index + 1 < len(rows) and _is_group_row(sheet, index, row, rows[index + 1]):
            candidates.append((index + 1, _joined(row, rows[index + 1], matcher)))
        for last, headers in candidates:
            score = len({matcher.match(split_unit(h)[0])[0] for h in headers if h} - {None})
            if score and (best is None or score > best[0]):
                best = (score, index, last, headers)
    if best is None:  # no header names a field: the widest row of text, for the user to map
        widest = max((len(_filled(r)) for r in rows), default=0)
        for index, row in enumerate(rows):
            cells = [row[i] for i in _filled(row)]
            if widest >= 2 and len(cells) >= max(2, 0.6 * widest) and all(isinstance(c, str) for c in cells):
                best = (0, index, index, [str(v).strip() if v not in (None, "") else "" for v in row])
                break
        else:
            return None
    _score, first, last, headers = best
    columns = []
    for i, text in enumerate(headers):
        key, unit = split_unit(text) if text else ("", None)
        name, source = matcher.match(key)
        columns.append(Column(i, text, key, name, source, unit))
    return first, last, columns


def title_unit(sheet: RawSheet, first: int) -> str | None:
    """The unit of amounts a title line above the header states (单位：万元)."""
    for row in sheet.rows[:first]:
        for value in row:
            match = _TITLE_UNIT.search(fold(value)) if isinstance(value, str) else None
            if match:
                return match[1]
    return None


def _is_group_row(sheet: RawSheet, index: int, row: list, below: list) -> bool:
    """Whether a row is a group header over sub-headers in the next: a cell merged across some
    (not all) columns with text below it, or, without merge marks (CSV), a label whose right-hand
    neighbours are blank above sub-headers. Title lines ("填报单位：…") never are."""
    filled = _filled(row)
    if len(filled) < 2 or any(isinstance(row[i], str) and re.search("[:：]", row[i]) for i in filled):
        return False
    for top, left, bottom, right in sheet.merges:
        if top == index == bottom and right > left and \
                any(c < len(below) and below[c] not in (None, "") for c in range(left, right + 1)):
            return True
    if sheet.merges:
        return False
    return any(row[i] in (None, "") and row[i - 1] not in (None, "") and i < len(below) and below[i] not in (None, "")
               for i in range(1, len(row)))


def _joined(upper: list, lower: list, matcher: Matcher) -> list[str]:
    """Headers of a two-row header: a group carried right over its sub-headers (联系人 over 姓名 /
    电话 → 联系人·姓名, 联系人·电话); a header merged down over both rows stands alone."""
    joined, group = [], ""
    for i in range(max(len(upper), len(lower))):
        top = str(upper[i]).strip() if i < len(upper) and upper[i] not in (None, "") else ""
        bottom = str(lower[i]).strip() if i < len(lower) and lower[i] not in (None, "") else ""
        group = top or (group if bottom else "")
        if bottom and group and group != bottom:
            combined = f"{group}·{bottom}"
            use = combined if matcher.match(split_unit(combined)[0])[0] or \
                not matcher.match(split_unit(bottom)[0])[0] else bottom
            joined.append(use)
        else:
            joined.append(bottom or top)
    return joined


def read_source(path: Path, filename: str, spec: FieldSpec, required: set[str], matcher: Matcher) -> Source:
    """Every visible sheet whose header holds the required fields, as rows of fields."""
    source = Source()
    sheets = open_sheets(path, filename)
    if not any(_filled(r) for s in sheets for r in s.rows):
        raise ExcelError("工作簿是空的，没有可导入的数据。")
    for sheet in sheets:
        if sheet.hidden:
            source.passed.append((sheet.name, "隐藏的工作表，未读取（如需导入请取消隐藏）"))
            continue
        if not any(_filled(r) for r in sheet.rows):
            source.passed.append((sheet.name, "空工作表"))
            continue
        found = locate(sheet, matcher)
        if found is None:
            source.passed.append((sheet.name, "没有找到表头"))
            continue
        first, last, columns = found
        table = SheetTable(sheet.name, last + 1, columns, title_unit(sheet, first))
        missing = [spec.label(f) for f in sorted(required) if f not in table.mapped()]
        if missing:
            source.passed.append((sheet.name, f"表头中没有“{'、'.join(missing)}”列"))
            if not source.sheets and not source.missing:
                for column in columns:  # shown for mapping when no sheet is readable, with what each holds
                    column.filled = sum(1 for row in sheet.rows[last + 1:]
                                        if column.index < len(row) and row[column.index] not in (None, ""))
                source.sheets.append(table)
                source.missing = missing
            continue
        if source.missing:
            source.sheets, source.missing = [], []
        source.sheets.append(table)
        _read_rows(sheet, table, source)
    if source.missing:
        source.rows.clear()
        source.skipped.clear()
    elif not source.rows:
        reasons = "；".join(f"“{s}”{why}" for s, why in source.passed)
        raise ExcelError("没有可导入的数据行" + (f"（{reasons}）。" if reasons else "。"))
    return source


def _read_rows(sheet: RawSheet, table: SheetTable, source: Source) -> None:
    mapped = table.mapped()
    headers = [c.header or None for c in table.columns]
    marked = bool(sheet.formulas or sheet.errors)
    blanks: list[int] = []
    in_notes = False
    for index in range(table.header_row, len(sheet.rows)):
        cells = sheet.rows[index]
        number = index + 1
        filled = _filled(cells)
        if not filled:
            blanks.append(number)
            continue
        first = _text(cells[filled[0]])
        reason = None
        if _NOTE.match(first) or (in_notes and (len(filled) == 1 or _CONTINUATION.match(first))):
            reason, in_notes = "备注或签署行", True
        elif _TOTAL.match(first) or (len(filled) > 1 and _TOTAL.match(_text(cells[filled[1]]))):
            reason = "合计行"
        elif first in ("示例", "例", "样例", "填写示例"):
            reason = "示例行"
        elif sum(1 for i in filled if i < len(headers) and cells[i] == headers[i]) > len(filled) / 2:
            reason = "重复的表头行"
        if reason:
            source.skipped.append((sheet.name, number, reason))
            continue
        in_notes = False  # data again after notes: the notes were inside the table
        source.skipped += [(sheet.name, n, "空行") for n in blanks]
        blanks.clear()
        if len(source.rows) >= MAX_ROWS:
            raise ExcelError(f"数据超过 {MAX_ROWS:,} 行，请拆分成多个文件导入。")
        row = SourceRow(sheet.name, number, {}, cells)
        for name, column in mapped.items():
            value = cells[column.index] if column.index < len(cells) else None
            if value is None and not marked:
                row.values[name] = None
                continue
            column.filled += value is not None
            if marked or (type(value) is str and UNSAFE.search(value)):
                problem = _problem(sheet, index, column, value)
                if problem:
                    row.problems.append(problem)
                    value = UNSAFE.sub("", value) if isinstance(value, str) else None
            row.values[name] = as_typed(value)
        for column in table.columns:
            if (not column.field or mapped.get(column.field) is not column) and column.index < len(cells) \
                    and cells[column.index] is not None:
                column.filled += 1
        source.rows.append(row)


def _problem(sheet: RawSheet, index: int, column: Column, value: Any) -> str | None:
    if (index, column.index) in sheet.errors:
        return f"单元格 {column.letter}{index + 1} 是错误值“{sheet.errors[(index, column.index)]}”，请改正后再导入"
    if (index, column.index) in sheet.formulas or (-1, -1) in sheet.formulas:
        return f"单元格 {column.letter}{index + 1} 是公式，请先“选择性粘贴为数值”后再导入"
    control = UNSAFE.search(value) if isinstance(value, str) else None
    if control:
        return f"单元格 {column.letter}{index + 1} 含不可见的控制字符（{code_point(control[0])}），请删除后再导入"
    return None


# ---------- values as ledgers write them ----------

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [re.compile(r"^(\d{4})(\d{2})$"), re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")]


def parse_date_precision(value: Any) -> tuple[date | None, bool]:
    """A date as ledgers write it, and whether only its month is known: 2024-06-07, 2024/6/7,
    2024.6.7, 2024年6月7日, 20240607, Excel serial numbers and date cells; 202406, 2024-06 and
    2024年6月 are that month (its first day). Raises ValueError with a Chinese message."""
    if value in (None, ""):
        return None, False
    if isinstance(value, datetime):
        return value.date(), False
    if isinstance(value, date):
        return value, False
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if 1 <= float(value) < 2958466 and float(value) == int(value) and not 190001 <= value <= 299912:
            return EXCEL_EPOCH + timedelta(days=int(value)), False
        value = str(int(value)) if float(value) == int(value) else str(value)
    text = fold(str(value)).replace(" ", "")
    try:
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                return date(*map(int, match.groups())), False
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(text)
            if match:
                return date(int(match[1]), int(match[2]), 1), True
    except ValueError:
        raise ValueError(f"日期“{value}”不存在") from None
    raise ValueError(f"无法识别的日期“{value}”（可用 2024-06-07、2024/6/7、2024年6月7日、202406 等）")


def parse_date(value: Any) -> date | None:
    return parse_date_precision(value)[0]


_NUMBER = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*([^\d\s]*)$")
_AMOUNT_FACTORS = {"亿元": Decimal(10000), "亿": Decimal(10000), "万元": Decimal(1), "万": Decimal(1),
                   "元": Decimal("0.0001")}


def parse_number(value: Any, units: dict[str, Decimal], column_unit: str | None, what: str,
                 maximum: Decimal = Decimal("1e12")) -> Decimal | None:
    """A number as ledgers write it (9,800, ９８００, 3亿元, 50亩), converted by the unit in the cell
    or else the column's; ``units`` maps each allowed unit to its factor ('' is the plain number)."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError(f"无法识别的{what}“{value}”")
    if isinstance(value, (int, float, Decimal)):
        number, unit = Decimal(str(value)), column_unit or ""
    else:
        text = fold(str(value)).replace(",", "").replace(" ", "")
        match = _NUMBER.match(text)
        if not match:
            raise ValueError(f"无法识别的{what}“{value}”")
        number, unit = Decimal(match[1]), match[2] or column_unit or ""
    if unit not in units:
        allowed = "、".join(u for u in units if u)
        raise ValueError(f"{what}“{value}”的单位“{unit}”无法识别" + (f"（可用 {allowed}）" if allowed else ""))
    try:
        result = (number * units[unit]).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"{what}“{value}”过大") from None
    if result < 0:
        raise ValueError(f"{what}不能为负数")
    if result > maximum:
        raise ValueError(f"{what}“{value}”超出合理范围")
    return result


def parse_amount_wan(value: Any, column_unit: str | None = "万元", what: str = "金额") -> Decimal | None:
    """An amount in 万元, from "1.5亿", "8000万元", "9,800" or a number in the column's unit."""
    return parse_number(value, {**_AMOUNT_FACTORS, "": Decimal(1)},
                        column_unit if column_unit in _AMOUNT_FACTORS else None, what)
