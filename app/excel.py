"""The one Excel module: reading ledgers as users bring them, and writing workbooks.

Reading (calamine) finds the header row below title rows, joins two-row (merged) headers, maps header
synonyms to fields, folds full-width characters and refuses what cannot be trusted (formulas,
hidden sheets, too many rows). Writing streams the workbook's XML in constant memory, escapes text
that Excel would run as a formula and writes dates as date cells.
"""
import csv
import io
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

from flask import send_file
from python_calamine import CalamineWorkbook, SheetVisibleEnum

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
HEADER_SCAN_ROWS = 15
FORMULA_START = ("=", "+", "-", "@")
EXCEL_EPOCH = date(1899, 12, 30)


class ExcelError(ValueError):
    """A file that cannot be imported; the message says why, in Chinese."""


@dataclass
class SourceRow:
    number: int  # the row number the user sees in Excel
    values: dict[str, Any]  # field → cleaned cell value
    cells: list[Any]  # the original cells, for the error workbook


@dataclass
class Table:
    sheet: str
    header_row: int
    headers: list[str]
    columns: dict[str, int]  # field → column index
    units: dict[str, str] = field(default_factory=dict)  # field → unit named in its header (亿元 …)
    rows: list[SourceRow] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)


HEADER_UNITS = ("亿元", "万元", "万美元", "元", "亿", "万", "人", "亩", "㎡", "平方米")


def _match(header: str, synonyms: dict[str, str]) -> tuple[str | None, str | None]:
    """The field a header names, and a unit it carries: 总投资（亿元） → (总投资's field, 亿元)."""
    if header in synonyms:
        return synonyms[header], None
    for unit in HEADER_UNITS:
        if header.endswith(unit) and header[: -len(unit)] in synonyms:
            return synonyms[header[: -len(unit)]], unit
    return None, None


def fold(text: str) -> str:
    """Full-width → half-width, trimmed (NFKC also folds full-width digits and spaces)."""
    return unicodedata.normalize("NFKC", text).strip()


def _header_key(text: Any) -> str:
    return re.sub(r"[\s:：*＊()（）\[\]【】]", "", fold(str(text))) if text is not None else ""


def clean(value: Any) -> Any:
    if isinstance(value, str):
        value = fold(value)
        return value or None
    return value


# ---------- reading ----------

def _read_rows(path: Path, filename: str) -> tuple[str, list[list[Any]]]:
    if path.stat().st_size > MAX_BYTES:
        raise ExcelError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后再导入。")
    with path.open("rb") as handle:
        head = handle.read(8)
    if not head:
        raise ExcelError("文件是空的。")
    if head.startswith(b"PK"):
        return _read_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExcelError("这是旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。")
    if filename.lower().endswith(".csv"):
        return "CSV", _read_csv(path)
    raise ExcelError("无法识别的文件：请上传 .xlsx 或 .csv（UTF-8 或 GBK 编码）文件。")


def _read_xlsx(path: Path) -> tuple[str, list[list[Any]]]:
    """Values through calamine (ten times openpyxl's speed); formulas and hidden sheets refused."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        hidden = [m.name for m in workbook.sheets_metadata if m.visible != SheetVisibleEnum.Visible]
        if hidden:
            raise ExcelError(f"工作簿含隐藏工作表“{'、'.join(hidden)}”，请删除或取消隐藏后再导入，以免导入看不见的数据。")
        formula = _first_formula(path)
        if formula:
            raise ExcelError(f"单元格 {formula} 是公式，请先“选择性粘贴为数值”后再导入。")
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        return workbook.sheet_names[0], [[_cell_value(v) for v in row] for row in rows[:MAX_ROWS + HEADER_SCAN_ROWS + 1]]
    except ExcelError:
        raise
    except Exception as error:  # calamine and zipfile raise many kinds on a damaged file
        raise ExcelError("文件已损坏或不是有效的 .xlsx 文件。") from error


_FORMULA = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f[ >/]')


def _first_formula(path: Path) -> str | None:
    """The first cell holding a formula, found in the sheets' XML (calamine only gives values)."""
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                match = _FORMULA.search(package.read(name))
                if match:
                    return match[1].decode()
    return None


def _cell_value(value: Any) -> Any:
    """calamine gives "" for empty cells and floats for whole numbers (phones, years): normalise."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
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
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _find_header(rows: list[list[Any]], synonyms: dict[str, str]) -> tuple[int, list[str]]:
    """The header: the row (or two rows, for merged group headers) matching the most synonyms."""
    best = (0, -1, [])
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        single = [_header_key(v) for v in row]
        candidates = [single]
        if index + 1 < len(rows):
            candidates.append(_join_two_rows(row, rows[index + 1], synonyms))
        for span, headers in enumerate(candidates):
            score = sum(1 for h in headers if _match(h, synonyms)[0])
            if score > best[0]:
                best = (score, index + span, headers)
    if best[0] == 0:
        return -1, []
    return best[1], best[2]


def _join_two_rows(upper: list[Any], lower: list[Any], synonyms: dict[str, str]) -> list[str]:
    """A group header merged over several columns stands only in its first cell: carry it right,
    and join it with the sub-header below (联系人 + 姓名 → 联系人姓名; 联系人 + 联系电话 → 联系电话)."""
    joined, group = [], ""
    for i in range(max(len(upper), len(lower))):
        top = _header_key(upper[i]) if i < len(upper) else ""
        bottom = _header_key(lower[i]) if i < len(lower) else ""
        group = top or group
        if top and not bottom:
            joined.append(top)  # merged down over both rows
        elif bottom:
            combined = group + bottom if group and group != bottom else bottom
            joined.append(combined if _match(combined, synonyms)[0] or not _match(bottom, synonyms)[0] else bottom)
        else:
            joined.append("")
    return joined


def read_table(path: Path, filename: str, fields: dict[str, tuple[str, ...]], required: set[str],
               max_rows: int = MAX_ROWS) -> Table:
    """Read the first sheet of an .xlsx or a .csv as rows of fields; raises ExcelError."""
    sheet, rows = _read_rows(path, filename)
    if not any(any(v not in (None, "") for v in row) for row in rows):
        raise ExcelError("工作表是空的，没有可导入的数据。")
    synonyms = {_header_key(s): name for name, names in fields.items() for s in names}
    header_index, headers = _find_header(rows, synonyms)
    columns: dict[str, int] = {}
    units: dict[str, str] = {}
    ignored = []
    for i, header in enumerate(headers):
        name, unit = _match(header, synonyms)
        if name and name not in columns:
            columns[name] = i
            if unit:
                units[name] = unit
        elif header:
            ignored.append(header)
    missing = [name for name in required if name not in columns]
    if missing:
        names = "、".join(fields[n][0] for n in missing)
        examples = "、".join(s for n in missing for s in fields[n][:4])
        raise ExcelError(f"找不到“{names}”列，请确认表头（可用的表头如：{examples}）。")
    table = Table(sheet=sheet, header_row=header_index + 1, headers=[str(h) for h in headers], columns=columns,
                  units=units, ignored_headers=ignored)
    for offset, cells in enumerate(rows[header_index + 1:], start=header_index + 2):
        if not any(v not in (None, "") and str(v).strip() for v in cells):
            continue
        if len(table.rows) >= max_rows:
            raise ExcelError(f"数据超过 {max_rows:,} 行，请拆分成多个文件导入。")
        values = {name: clean(cells[i]) if i < len(cells) else None for name, i in columns.items()}
        table.rows.append(SourceRow(number=offset, values=values, cells=list(cells)))
    if not table.rows:
        raise ExcelError("表头下面没有数据行。")
    return table


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [re.compile(r"^(\d{4})(\d{2})$"), re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")]


def parse_date(value: Any) -> date | None:
    """Dates as ledgers write them: 2024-06-07, 2024/6/7, 2024.6.7, 2024年6月7日, 202406 (the 1st),
    Excel serial numbers, or date cells. Raises ValueError with a Chinese message."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if 1 <= float(value) < 2958466 and float(value) == int(value) and not 190001 <= value <= 299912:
            return EXCEL_EPOCH + timedelta(days=int(value))
        value = str(int(value))
    text = fold(str(value)).replace(" ", "")
    try:
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                return date(*map(int, match.groups()))
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(text)
            if match:
                return date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"日期“{value}”不存在") from None
    raise ValueError(f"无法识别的日期“{value}”（可用 2024-06-07、2024/6/7、2024年6月7日 等）")


_AMOUNT = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(亿元|亿|万元|万|元)?$")


def parse_amount_wan(value: Any, column_unit: str = "万元") -> Decimal | None:
    """An amount in 万元. The unit comes from the cell ("1.5亿") or else the column header (亿元/万元)."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number, unit = Decimal(str(value)), column_unit
    else:
        text = fold(str(value)).replace(",", "").replace(" ", "")
        match = _AMOUNT.match(text)
        if not match:
            raise ValueError(f"无法识别的金额“{value}”")
        number, unit = Decimal(match[1]), match[2] or column_unit
    factor = {"亿元": Decimal(10000), "亿": Decimal(10000), "万元": Decimal(1), "万": Decimal(1),
              "元": Decimal("0.0001")}[unit]
    try:
        return (number * factor).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"金额“{value}”过大") from None


# ---------- writing ----------
# Tables are written straight as the parts of an .xlsx (OOXML, strings inline, row by row into
# the zip), in constant memory. XlsxWriter spent about 9 µs a cell: 9.8 s for 100,000 rows of 15
# columns here, over the export target by itself; this takes about 1 µs.

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' \
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (f'{_HEAD}<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
           '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
           '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border>'
           '</borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="15"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
           '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
           # A printed sheet: its title, its header cells, then its cells by format, plain and bold (合计).
           '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
           '<alignment horizontal="center" vertical="center"/></xf>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
           'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
           + "".join(f'<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" '
                     f'applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="center"/></xf>'
                     for font in (0, 1) for fmt in (0, 164, 4, 10, 3))
           + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_BOLD, _DAY, _TITLE, _HEADER = 1, 2, 3, 4  # cellXfs above
# A printed sheet's cell style by column format (0.00 for amounts, 0.00% for rates); +5 in a 合计 row.
_PRINTED = {None: 5, "date": 6, "amount": 7, "percent": 8, "integer": 9}
_TOTAL_SHIFT = 5
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
_EXCEL_EPOCH = datetime(1899, 12, 30)


def safe_text(value: Any) -> Any:
    """Text that Excel would run as a formula is written as text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Iterable[Iterable[Any]]
    widths: list[int] | None = None
    # A sheet to print as it is (a report sent upward): lines above the table (the first, a title,
    # is merged across it), group headers merged over runs of columns (label, first, last; 0-based)
    # with the other headers merged down beside them, a format per column ("amount", "percent",
    # "integer", "date" or None), borders, a bold 合计 row, and A4 landscape fitted to the page
    # width with the title and header rows repeated on every page.
    above: list[list[Any]] = field(default_factory=list)
    groups: list[tuple[str, int, int]] = field(default_factory=list)
    formats: list[str | None] | None = None
    printed: bool = False

    @property
    def header_end(self) -> int:
        """The row number of the last header row (1-based)."""
        return len(self.above) + (2 if self.groups else 1)


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Any, style: int = 0, day_style: int = _DAY) -> str:
    """One <c> element; text inline, dates as serial days with the date style."""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr" s="{style}"><is><t xml:space="preserve">{_xml(safe_text(value))}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b" s="{style}"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{day_style}"><v>{(value.replace(tzinfo=None) - _EXCEL_EPOCH) / timedelta(days=1)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{day_style}"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    return f'<c r="{ref}" s="{style}"><v>{float(value)!r}</v></c>'


def _head_rows(spec: Sheet, columns: list[str]) -> tuple[list[str], list[str]]:
    """The rows above the data (title lines, group headers, headers) and the ranges they merge."""
    rows, merges, last = [], [], columns[-1]
    for r, line in enumerate(spec.above, start=1):
        title = r == 1 and len(line) == 1
        style = _TITLE if title else 0
        rows.append(f'<row r="{r}">' + "".join(_cell(f"{columns[c]}{r}", v, style) for c, v in enumerate(line)
                                               if v is not None) + "</row>")
        if title and len(columns) > 1:
            merges.append(f"A{r}:{last}{r}")
    r = len(spec.above) + 1
    style = _HEADER if spec.printed else _BOLD
    if not spec.groups:
        rows.append(f'<row r="{r}">' + "".join(_cell(f"{columns[c]}{r}", str(h), style)
                                               for c, h in enumerate(spec.headers)) + "</row>")
        return rows, merges
    grouped = {c: (label, first, end) for label, first, end in spec.groups for c in range(first, end + 1)}
    upper, lower = [], []
    for c, header in enumerate(spec.headers):
        if c in grouped:
            label, first, end = grouped[c]
            upper.append(_cell(f"{columns[c]}{r}", label if c == first else "", style))
            if c == first and end > first:
                merges.append(f"{columns[first]}{r}:{columns[end]}{r}")
            lower.append(_cell(f"{columns[c]}{r + 1}", str(header), style))
        else:  # a header without a group spans both rows
            upper.append(_cell(f"{columns[c]}{r}", str(header), style))
            lower.append(_cell(f"{columns[c]}{r + 1}", "", style))
            merges.append(f"{columns[c]}{r}:{columns[c]}{r + 1}")
    rows += [f'<row r="{r}">{"".join(upper)}</row>', f'<row r="{r + 1}">{"".join(lower)}</row>']
    return rows, merges


def _write_sheet(out, spec: Sheet) -> None:
    top = spec.header_end
    head = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if spec.printed else ""
    out.write(f'{_HEAD}<worksheet {_NS}>{head}<sheetViews><sheetView workbookViewId="0">'
              f'<pane ySplit="{top}" topLeftCell="A{top + 1}" activePane="bottomLeft" state="frozen"/>'
              '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'.encode())
    if spec.widths:
        out.write(("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                      for i, w in enumerate(spec.widths, start=1)) + "</cols>").encode())
    columns = [_column(i) for i in range(len(spec.headers))]
    head_rows, merges = _head_rows(spec, columns)
    styles = [_PRINTED.get(f, 5) for f in (spec.formats or [None] * len(columns))] if spec.printed else None
    chunk = ["<sheetData>", *head_rows]
    for r, row in enumerate(spec.rows, start=top + 1):
        cells = []
        if styles:  # every cell bordered, so blanks too; a 合计 row in bold
            row = list(row)
            shift = _TOTAL_SHIFT if row and row[0] == "合计" else 0
            for c, value in enumerate(row):
                style = styles[c] + shift if c < len(styles) else 5
                ref = f"{columns[c] if c < len(columns) else _column(c)}{r}"
                cells.append(f'<c r="{ref}" s="{style}"/>' if value is None
                             else _cell(ref, value, style, _PRINTED["date"] + shift))
        else:
            for c, value in enumerate(row):
                if value is not None:
                    cells.append(_cell(f"{columns[c] if c < len(columns) else _column(c)}{r}", value))
        chunk.append(f'<row r="{r}">{"".join(cells)}</row>')
        if len(chunk) >= 1000:
            out.write("".join(chunk).encode())
            chunk.clear()
    chunk.append("</sheetData>")
    if merges:
        chunk.append(f'<mergeCells count="{len(merges)}">'
                     + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>")
    if spec.printed:
        chunk.append('<printOptions horizontalCentered="1"/>'
                     '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                     '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
    chunk.append("</worksheet>")
    out.write("".join(chunk).encode())


def _print_titles(sheets: list[Sheet]) -> str:
    """The rows each printed sheet repeats on every page: its title lines and headers."""
    names = "".join(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                    f"'{_xml(spec.title[:31])}'!$1:${spec.header_end}</definedName>"
                    for i, spec in enumerate(sheets) if spec.printed)
    return f"<definedNames>{names}</definedNames>" if names else ""


def write_workbook(target, sheets: list[Sheet]) -> None:
    """Write the sheets as an .xlsx to a path or a binary file: a bold, frozen header row (below any
    title lines), then the rows; dates as date cells, numbers as numbers, text as text (formula-like
    text escaped). A ``printed`` sheet also gets borders, formats and its page setup."""
    count = len(sheets)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPE}.worksheet+xml"/>'
                      for i in range(1, count + 1)) + "</Types>"))
        package.writestr("_rels/.rels", (
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        package.writestr("xl/workbook.xml", (
            f'{_HEAD}<workbook {_NS}><sheets>'
            + "".join(f'<sheet name="{_xml(spec.title[:31])}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, spec in enumerate(sheets, start=1)) + "</sheets>" + _print_titles(sheets) + "</workbook>"))
        package.writestr("xl/_rels/workbook.xml.rels", (
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'))
        package.writestr("xl/styles.xml", _STYLES)
        for i, spec in enumerate(sheets, start=1):
            with package.open(f"xl/worksheets/sheet{i}.xml", "w") as out:
                _write_sheet(out, spec)


def xlsx_response(filename: str, sheets: list[Sheet]):
    """A download of the workbook, built in a temporary file (memory stays flat for big exports)."""
    handle = tempfile.TemporaryFile()
    write_workbook(handle, sheets)
    handle.seek(0)
    return send_file(handle, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
