"""Writing workbooks: tables streamed as the parts of an .xlsx in constant memory, text as text
(an inline string is never a formula, so nothing is prefixed), dates as date cells, and sheets to
print as they are."""
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable


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
    # Drop-down lists: column index → a range of allowed values on another sheet ('可选值'!$A$2:$A$9).
    choices: dict[int, str] = field(default_factory=dict)

    @property
    def header_end(self) -> int:
        """The row number of the last header row (1-based)."""
        return len(self.above) + (2 if self.groups else 1)


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _cell(ref: str, value: Any, style: int = 0, day_style: int = _DAY) -> str:
    """One <c> element; text inline, dates as serial days with the date style."""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr" s="{style}"><is><t xml:space="preserve">{_xml(value)}</t></is></c>'
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
    columns = [column_letter(i) for i in range(len(spec.headers))]
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
                ref = f"{columns[c] if c < len(columns) else column_letter(c)}{r}"
                cells.append(f'<c r="{ref}" s="{style}"/>' if value is None
                             else _cell(ref, value, style, _PRINTED["date"] + shift))
        else:
            for c, value in enumerate(row):
                if value is not None:
                    cells.append(_cell(f"{columns[c] if c < len(columns) else column_letter(c)}{r}", value))
        chunk.append(f'<row r="{r}">{"".join(cells)}</row>')
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
    title lines), then the rows; dates as date cells, numbers as numbers, text as inline text (so
    "=1+1" stays text and reads back as typed). A ``printed`` sheet also gets borders, formats and its page setup."""
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


def xlsx_response(filename: str, ascii_name: str, sheets: list[Sheet]):
    """A download of the workbook, built in a temporary file (memory stays flat for big exports).
    ``filename`` is the Chinese name, ``ascii_name`` the one for clients that ignore it."""
    handle = tempfile.TemporaryFile()
    write_workbook(handle, sheets)
    handle.seek(0)
    return send_download(handle, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename, ascii_name)
