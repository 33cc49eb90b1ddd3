"""Writing workbooks: tables streamed as the parts of an .xlsx in constant memory, text as text
(an inline string is never a formula, so nothing is prefixed), dates as date cells, and every sheet
ready to print on A4 as it is."""
import math
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import chain, islice
from typing import Any, Iterable

from flask_login import current_user

from app.excel.read import column_letter
from app.web import send_download

# Tables are written straight as the parts of an .xlsx (OOXML, strings inline, row by row into
# the zip), in constant memory. XlsxWriter spent about 9 µs a cell: 9.8 s for 100,000 rows of 15
# columns here, over the export target by itself; this takes about 1 µs.

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' \
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Percent(float):
    """A share, printed as a percentage (0.5 → 50.00%)."""


# Number formats a cell takes from its value: text, a whole number, an amount (0.00 with
# thousands), a share, a date.
_FORMATS = {"text": 0, "integer": 1, "amount": 4, "percent": 10, "date": 164}
_KIND = {str: "text", int: "integer", Decimal: "amount", Percent: "percent", date: "date", datetime: "date",
         float: "text", bool: "text"}
_FONTS = ('<font><sz val="11"/><name val="Calibri"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/></font>'
          '<font><b/><sz val="16"/><name val="Calibri"/></font>')
_TITLE, _BYLINE_LEFT, _BYLINE_RIGHT, _HEADER = 1, 2, 3, 4
_TABLE = 5  # then one style per (bold, number format): a 合计 row is bold


_TABLE_STYLES = {(kind, bold): _TABLE + (len(_FORMATS) if bold else 0) + i
                 for bold in (False, True) for i, kind in enumerate(_FORMATS)}


def _styles() -> str:
    xf = '<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="{border}" xfId="0" applyNumberFormat="1" ' \
         'applyFont="1" applyBorder="1" applyAlignment="1"><alignment {align}/></xf>'
    fixed = [xf.format(fmt=0, font=0, border=0, align=""),
             xf.format(fmt=0, font=2, border=0, align='horizontal="center" vertical="center"'),
             xf.format(fmt=0, font=0, border=0, align='horizontal="left" vertical="center"'),
             xf.format(fmt=0, font=0, border=0, align='horizontal="right" vertical="center"'),
             xf.format(fmt=0, font=1, border=1, align='horizontal="center" vertical="center" wrapText="1"')]
    table = [xf.format(fmt=fmt, font=int(bold), border=1,
                       align='vertical="center" wrapText="1"' if kind == "text" else 'vertical="center"')
             for bold in (False, True) for kind, fmt in _FORMATS.items()]
    cells = fixed + table
    return (f'{_HEAD}<styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
            f'<fonts count="3">{_FONTS}</fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            '<border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border>'
            '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(cells)}">{"".join(cells)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


_STYLES = _styles()
_NOT_XML = str.maketrans("", "", "".join(map(chr, [*range(9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])))
_EXCEL_EPOCH = datetime(1899, 12, 30)

# The page: A4 with 1 cm margins, in pixels at 96 dpi as column widths are measured (a width unit
# is the width of a digit, 7 px, plus 5 px padding per column). A sheet prints no smaller than 80 %,
# so 11 pt text stays above 8 pt; wider sheets wrap their longest text columns to fit.
_LANDSCAPE_PX, _PORTRAIT_PX, _MIN_SCALE = 1047, 718, 0.8
_LINE_PT = 15  # the height of a line of 11 pt text, CJK included
_SAMPLE = 200  # rows read ahead to size the columns of a streamed table


@dataclass
class Sheet:
    """A table to write and print: optionally a title (``heading``) merged across it and a line under
    it with a note on each side (``byline``: 填报单位 …, 报送日期 …), group headers merged over runs of
    columns (label, first, last; 0-based) with the other headers merged down beside them, then the
    rows. A row whose first cell is 合计 is bold. Numbers take their format from their type (see
    ``Percent``); column widths come from the headers and the first rows."""

    title: str
    headers: list[str]
    rows: Iterable[Iterable[Any]]
    heading: str | None = None
    byline: tuple[str, str] | None = None
    groups: list[tuple[str, int, int]] = field(default_factory=list)
    # Drop-down lists: column index → a range of allowed values on another sheet ('可选值'!$A$2:$A$9).
    choices: dict[int, str] = field(default_factory=dict)

    @property
    def header_end(self) -> int:
        """The row number of the last header row (1-based)."""
        return (self.heading is not None) + (self.byline is not None) + (2 if self.groups else 1)


def _xml(text: str) -> str:
    return text.translate(_NOT_XML).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _kind(value: Any) -> str:
    return _KIND.get(type(value)) or next((k for t, k in _KIND.items() if isinstance(value, t)), "text")


def _cell(ref: str, value: Any, style: int) -> str:
    """One <c> element; text inline, dates as serial days."""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr" s="{style}"><is><t xml:space="preserve">{_xml(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b" s="{style}"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{style}"><v>{(value.replace(tzinfo=None) - _EXCEL_EPOCH) / timedelta(days=1)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{style}"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    return f'<c r="{ref}" s="{style}"><v>{float(value)!r}</v></c>'


def text_width(text: str) -> float:
    """How wide text prints, in digit widths: a CJK character (three bytes of UTF-8) is 2.1."""
    return len(text) + (len(text.encode()) - len(text)) * 0.55


def _shown(value: Any) -> str:
    """A value as its cell shows it, for sizing."""
    if isinstance(value, Percent):
        return f"{value:.2%}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, (date, datetime)):
        return "0000-00-00"
    return str(value)


def _lines(text: str, width: float) -> int:
    """How many lines text takes wrapped in a column ``width`` digits wide."""
    room = max(width - 1.5, 1)
    return sum(max(1, math.ceil(text_width(part) / room)) for part in text.split("\n"))


@dataclass
class _Layout:
    widths: list[float]
    landscape: bool
    fits: bool  # on one page width; else printed at full size across pages, the first column repeated
    rows: int = 0  # data rows written


def _layout(spec: Sheet, sample: list[list]) -> _Layout:
    """Column widths from the headers and the first rows; landscape when portrait is too narrow;
    the longest text columns narrowed (their text wraps, down to four CJK characters a line) until
    the sheet fits the page width at the least scale. A sheet that still does not fit (a template
    of 30 columns) prints at full size across pages instead of shrinking."""
    widths, texts = [], []
    for c, header in enumerate(spec.headers):
        values = [row[c] for row in sample if c < len(row) and row[c] is not None]
        text = not values or any(isinstance(v, str) for v in values)
        header_width = text_width(str(header))  # a header wraps, over up to three lines
        needed = max([min(header_width, max(8.0, math.ceil(header_width / 3)))]
                     + [min(text_width(line), 60) for v in values for line in _shown(v).split("\n")])
        widths.append(max(4.0, needed + (2 if text else 1)))
        texts.append(text)
    pixels = lambda ws: sum(w * 7 + 5 for w in ws)  # noqa: E731
    limit, floor = _LANDSCAPE_PX / _MIN_SCALE, 9.5
    cap = max(widths, default=0)
    while pixels(widths) > limit and cap > floor:
        cap = max(cap - 1, floor)
        widths = [min(w, cap) if text else w for w, text in zip(widths, texts)]
    return _Layout(widths, landscape=pixels(widths) > _PORTRAIT_PX, fits=pixels(widths) <= limit)


def _head_rows(spec: Sheet, layout: _Layout, columns: list[str]) -> tuple[list[str], list[str]]:
    """The rows above the data (title, byline, group headers, headers) and the ranges they merge."""
    rows, merges, last, r = [], [], columns[-1], 1
    if spec.heading is not None:
        rows.append(f'<row r="1" ht="28" customHeight="1">{_cell("A1", spec.heading, _TITLE)}</row>')
        if len(columns) > 1:
            merges.append(f"A1:{last}1")
        r += 1
    if spec.byline is not None:
        left, right = spec.byline  # the left half of the columns and the right half
        if len(columns) == 1:
            cells = _cell(f"A{r}", f"{left}  {right}", _BYLINE_LEFT)
        else:
            split = len(columns) // 2
            cells = _cell(f"A{r}", left, _BYLINE_LEFT) + _cell(f"{columns[split]}{r}", right, _BYLINE_RIGHT)
            merges += [f"{a}{r}:{b}{r}" for a, b in ((columns[0], columns[split - 1]), (columns[split], last)) if a != b]
        rows.append(f'<row r="{r}" ht="20" customHeight="1">{cells}</row>')
        r += 1
    lines = max(_lines(str(h), w) for h, w in zip(spec.headers, layout.widths))
    height = f' ht="{_LINE_PT * lines + 4}" customHeight="1"'
    if not spec.groups:
        rows.append(f'<row r="{r}"{height}>' + "".join(_cell(f"{columns[c]}{r}", str(h), _HEADER)
                                                        for c, h in enumerate(spec.headers)) + "</row>")
        return rows, merges
    grouped = {c: (label, first, end) for label, first, end in spec.groups for c in range(first, end + 1)}
    upper, lower = [], []
    for c, header in enumerate(spec.headers):
        if c in grouped:
            label, first, end = grouped[c]
            upper.append(_cell(f"{columns[c]}{r}", label if c == first else "", _HEADER))
            if c == first and end > first:
                merges.append(f"{columns[first]}{r}:{columns[end]}{r}")
            lower.append(_cell(f"{columns[c]}{r + 1}", str(header), _HEADER))
        else:  # a header without a group spans both rows
            upper.append(_cell(f"{columns[c]}{r}", str(header), _HEADER))
            lower.append(_cell(f"{columns[c]}{r + 1}", "", _HEADER))
            merges.append(f"{columns[c]}{r}:{columns[c]}{r + 1}")
    rows += [f'<row r="{r}" ht="{_LINE_PT + 6}" customHeight="1">{"".join(upper)}</row>',
             f'<row r="{r + 1}"{height}>{"".join(lower)}</row>']
    return rows, merges


def _data_row(r: int, row: list, columns: list[str], widths: list[float]) -> str:
    """A table row: every cell bordered, blanks too; text wraps, and the row is as tall as its
    tallest cell (WPS does not size rows when it opens a file)."""
    bold = bool(row) and row[0] == "合计"
    cells, lines = [], 1
    for c, value in enumerate(row + [None] * (len(columns) - len(row))):  # a short row is bordered across
        ref = f"{columns[c] if c < len(columns) else column_letter(c)}{r}"
        if value is None:
            cells.append(f'<c r="{ref}" s="{_TABLE_STYLES["text", bold]}"/>')
            continue
        kind = _kind(value)
        cells.append(_cell(ref, value, _TABLE_STYLES[kind, bold]))
        if kind == "text" and c < len(widths):
            text = str(value)
            if len(text) * 2 > widths[c] - 1.5 or "\n" in text:
                lines = max(lines, _lines(text, widths[c]))
    height = f' ht="{_LINE_PT * lines + 2}" customHeight="1"' if lines > 1 else ""
    return f'<row r="{r}"{height}>{"".join(cells)}</row>'


def _write_sheet(out, spec: Sheet, footer: str) -> _Layout:
    rows = iter(spec.rows)
    sample = [list(row) for row in islice(rows, _SAMPLE)]
    layout = _layout(spec, sample)
    top = spec.header_end
    cols = "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                   for i, w in enumerate(layout.widths, start=1))
    out.write(f'{_HEAD}<worksheet {_NS}><sheetPr><pageSetUpPr fitToPage="{int(layout.fits)}"/></sheetPr>'
              '<sheetViews><sheetView workbookViewId="0">'
              f'<pane ySplit="{top}" topLeftCell="A{top + 1}" activePane="bottomLeft" state="frozen"/>'
              '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
              f'<cols>{cols}</cols>'.encode())
    columns = [column_letter(i) for i in range(len(spec.headers))]
    head_rows, merges = _head_rows(spec, layout, columns)
    chunk = ["<sheetData>", *head_rows]
    for r, row in enumerate(chain(sample, rows), start=top + 1):
        chunk.append(_data_row(r, row if isinstance(row, list) else list(row), columns, layout.widths))
        layout.rows += 1
        if len(chunk) >= 1000:
            out.write("".join(chunk).encode())
            chunk.clear()
    chunk.append("</sheetData>")
    if merges:
        chunk.append(f'<mergeCells count="{len(merges)}">'
                     + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>")
    if spec.choices:
        first, last = top + 1, top + 1000
        chunk.append(f'<dataValidations count="{len(spec.choices)}">' + "".join(
            f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" errorTitle="不在可选值中" '
            f'error="请从下拉列表中选择" sqref="{columns[c]}{first}:{columns[c]}{last}"><formula1>{_xml(ref)}</formula1>'
            '</dataValidation>' for c, ref in sorted(spec.choices.items())) + "</dataValidations>")
    fit = 'fitToWidth="1" fitToHeight="0"' if layout.fits else 'scale="100"'
    chunk.append('<printOptions horizontalCentered="1"/>'
                 '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.7" header="0.3" footer="0.3"/>'
                 f'<pageSetup paperSize="9" orientation="{"landscape" if layout.landscape else "portrait"}" '
                 f'{fit}/>'
                 f'<headerFooter><oddFooter>{_xml("&L" + footer.replace("&", "&&") + "&C第 &P 页 共 &N 页&R&A")}'
                 '</oddFooter></headerFooter></worksheet>')
    out.write("".join(chunk).encode())
    return layout


def _personal_notice(reason: str, what: str) -> Sheet:
    """The first sheet of an export with full contacts: who exported what, when and why."""
    return Sheet("导出说明", ["项目", "内容"], [
        ["导出内容", f"{what}（含完整联系方式）"], ["导出人", f"{current_user.display_name}（{current_user.username}）"],
        ["所属单位", current_user.unit.name], ["导出日期", date.today()], ["导出理由", reason],
        ["说明", "本文件含个人信息（手机号、邮箱、微信），仅限上述理由使用，不得外传；用毕请删除。"],
    ], heading="个人信息导出说明")


def _print_titles(sheets: list[Sheet], layouts: list[_Layout]) -> str:
    """What each sheet repeats on every printed page: its title, byline and header rows, and its
    first column too where the sheet runs across pages."""
    names = []
    for i, (spec, layout) in enumerate(zip(sheets, layouts)):
        name = f"'{_xml(spec.title[:31]).replace(chr(39), chr(39) * 2)}'"
        column = "" if layout.fits else f"{name}!$A:$A,"
        names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                     f"{column}{name}!$1:${spec.header_end}</definedName>")
    return f"<definedNames>{''.join(names)}</definedNames>"


def write_workbook(target, sheets: list[Sheet], footer: str = "") -> list[int]:
    """Write the sheets as an .xlsx to a path or a binary file: for each, a frozen header (below
    its title), then the rows; dates as date cells, numbers as numbers, text as inline text (so
    "=1+1" stays text and reads back as typed); borders, and A4 set up with the header rows
    repeated and a footer (``footer`` on the left: whose and when; 第 N 页 共 M 页; the sheet's name).
    Returns how many data rows it wrote on each sheet."""
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
        package.writestr("xl/_rels/workbook.xml.rels", (
            f'{_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'))
        package.writestr("xl/styles.xml", _STYLES)
        layouts = []
        for i, spec in enumerate(sheets, start=1):
            with package.open(f"xl/worksheets/sheet{i}.xml", "w") as out:
                layouts.append(_write_sheet(out, spec, footer))
        # after the sheets: what each repeats depends on how it was laid out
        package.writestr("xl/workbook.xml", (
            f'{_HEAD}<workbook {_NS}><sheets>'
            + "".join(f'<sheet name="{_xml(spec.title[:31])}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, spec in enumerate(sheets, start=1)) + "</sheets>" + _print_titles(sheets, layouts)
            + "</workbook>"))
    return [layout.rows for layout in layouts]


def xlsx_response(filename: str, ascii_name: str, sheets: list[Sheet], personal: str | None = None):
    """A download of the workbook, built in a temporary file (memory stays flat for big exports),
    its footer naming the user's unit and the day. ``filename`` is the Chinese name, ``ascii_name``
    the one for clients that ignore it. ``personal``: why it carries contacts in full, if it does;
    its first sheet then says who exported it and why."""
    handle = tempfile.TemporaryFile()
    notice = [_personal_notice(personal, filename.rsplit(".", 1)[0])] if personal else []
    rows = write_workbook(handle, [*notice, *sheets], footer=f"{current_user.unit.name}  {date.today().isoformat()}")
    handle.seek(0)
    details = {"行数": sum(rows[len(notice):]), **({"个人信息": f"完整（理由：{personal}）"} if personal else {})}
    return send_download(handle, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename,
                         ascii_name, details)
