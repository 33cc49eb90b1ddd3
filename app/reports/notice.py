"""The month's written 通报 (.docx), in the layout of a government notice (GB/T 9704: A4 portrait,
margins 37 / 35 / 28 / 26 mm, a 2号 title, 3号 body text on a fixed 28 pt line, headings 一、二、…,
page numbers "— 1 —"): what the year and the month brought, each unit's figures in a table, and how
the targets stand against the time gone. Every number is read from the report's Summary, the same
figures the workbook prints."""
import io
from datetime import date
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from app.models import BIG_PROJECT_WAN
from app.reports.monthly import (
    EVENTS,
    FUNDS,
    LAST_MONTH,
    LAST_YEAR,
    MONTH,
    PRODUCING,
    SIGNED,
    SIGNED_AMOUNT,
    STARTED,
    YEAR,
    Row,
    Summary,
    change,
    tier_label,
)
from app.reports.settings import yi

TITLE_FONT, BODY_FONT, HEADING_FONT, TABLE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"
TABLE_COLUMNS = ["单位", "新签约项目（个）", "协议投资（亿元）", "新开工项目（个）", "新投产项目（个）", "到位资金（亿元）"]


def in_yi(wan) -> str:
    """万元 as 亿元 with two decimals, as a notice writes an amount: 21.20亿元."""
    return f"{(Decimal(wan) / 10000).quantize(Decimal('0.01'))}"


def trend(now, before) -> str:
    """同比 in words: 同比增长 12.5%, 同比下降 3.0%, 与上年同期持平, or what it was a year before
    when that was nothing."""
    rate = change(now, before)
    if rate is None:
        return "上年同期为零"
    if rate == 0:
        return "与上年同期持平"
    return f"同比{'增长' if rate > 0 else '下降'}{abs(rate) * 100:.1f}%"


def _period(figures: dict, before: dict, tiers: list[Decimal]) -> str:
    """One period's sentence: signed (with 同比 and the biggest tier), started, producing, funds, events."""
    big = BIG_PROJECT_WAN if BIG_PROJECT_WAN in tiers else tiers[-1] if tiers else None  # 亿元以上 where counted
    signed = (f"新签约项目{figures[SIGNED]}个，{trend(figures[SIGNED], before[SIGNED])}；"
              f"协议投资{in_yi(figures[SIGNED_AMOUNT])}亿元，{trend(figures[SIGNED_AMOUNT], before[SIGNED_AMOUNT])}")
    if big is not None:
        signed += f"，其中{yi(big)}亿元以上项目{figures[tier_label(big)]}个"
    return (f"{signed}。新开工项目{figures[STARTED]}个，新投产项目{figures[PRODUCING]}个；到位资金"
            f"{in_yi(figures[FUNDS])}亿元，{trend(figures[FUNDS], before[FUNDS])}；开展招商活动{figures[EVENTS]}场。")


def sentences(report: Summary) -> dict[str, list[str]]:
    """The text of the notice by section, every number from ``report``."""
    month, total, place = report.month, report.total.figures, report.unit.name
    span = f"1—{month.month}月" if month.month > 1 else "1月"
    overall = [f"{span}，{place}{_period(total[YEAR], total[LAST_YEAR], report.tiers)}",
               f"{month.month}月当月，{_period(total[MONTH], total[LAST_MONTH], report.tiers)}"]
    targets = []
    for line in report.targets:
        if line.rate is None:
            continue
        points = line.ahead_points
        standing = (f"超时间进度{points:.1f}个百分点" if points > 0 else f"落后时间进度{-points:.1f}个百分点"
                    if points < 0 else "与时间进度持平")
        what = line.label.replace("(万元)", "").removeprefix("新")
        targets.append(f"{line.unit.name}{what}完成年度目标的{line.rate * 100:.1f}%，{standing}。")
    if targets:
        targets.insert(0, f"截至{month.month}月底，时间进度为{report.time_progress * 100:.1f}%。")
    ranked = sorted((r for r in report.rows if not r.own), key=lambda r: (-r.figures[YEAR][SIGNED_AMOUNT], r.name))
    leaders = [f"{r.name}（{in_yi(r.figures[YEAR][SIGNED_AMOUNT])}亿元）" for r in ranked[:3]
               if r.figures[YEAR][SIGNED_AMOUNT]]
    units = [f"{span}协议投资居前的是{'、'.join(leaders)}。"] if leaders else []
    return {"一、总体情况": overall, "二、各单位情况": units, "三、目标任务完成情况": targets}


def table_rows(report: Summary) -> list[list[str]]:
    """The per-unit table: the year to the month's end, a unit a row and 合计 last."""
    def line(row: Row) -> list[str]:
        f = row.figures[YEAR]
        return [row.name, str(f[SIGNED]), in_yi(f[SIGNED_AMOUNT]), str(f[STARTED]), str(f[PRODUCING]), in_yi(f[FUNDS])]

    return [line(r) for r in report.rows] + [line(report.total)]


def _fonts(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)  # CJK text takes this font


def _paragraph(doc, text: str, font: str = BODY_FONT, size: float = 16, bold: bool = False,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True):
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    spacing = paragraph.paragraph_format
    spacing.line_spacing_rule, spacing.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    spacing.space_before = spacing.space_after = Pt(0)
    if indent:
        spacing.first_line_indent = Pt(size * 2)  # two characters
    _fonts(paragraph.add_run(text), font, size, bold)
    return paragraph


def _page_numbers(section) -> None:
    """"— 1 —" at the foot of every page, in 4号 (14 pt)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(paragraph.add_run("— "), TABLE_FONT, 14)
    run = paragraph.add_run()
    _fonts(run, TABLE_FONT, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _fonts(paragraph.add_run(" —"), TABLE_FONT, 14)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def write_notice(title: str, today: date, parts: list[tuple[str, list[str], tuple | None]]) -> bytes:
    """A notice as a .docx: the title, the date, then per part its heading, its paragraphs and
    perhaps a table (caption, column names, rows of text; the last row bold when ``total``)."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_numbers(section)
    _paragraph(doc, title, TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, f"（{today.year}年{today.month}月{today.day}日）", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER,
               indent=False)
    for heading, lines, table in parts:
        _paragraph(doc, heading, HEADING_FONT, 16)
        for line in lines:
            _paragraph(doc, line)
        if table:
            _table(doc, *table)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def document(report: Summary, today: date) -> bytes:
    """The month's notice as a .docx."""
    month = report.month
    span = f"1—{month.month}月" if month.month > 1 else "1月"
    table = (f"{span}各单位招商引资主要指标", TABLE_COLUMNS, table_rows(report), True)
    return write_notice(f"{report.unit.name}{month.year}年{month.month}月招商引资工作通报", today,
                        [(heading, lines, table if heading.startswith("二") else None)
                         for heading, lines in sentences(report).items()])


def _table(doc, caption: str, columns: list[str], rows: list[list[str]], total: bool = False) -> None:
    _paragraph(doc, caption, HEADING_FONT, 14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    table = doc.add_table(rows=len(rows) + 1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate([columns, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Mm(46 if c == 0 else 24)  # the unit's name on one line
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 or c == 0 else WD_ALIGN_PARAGRAPH.RIGHT
            _fonts(paragraph.add_run(value), TABLE_FONT, 10.5, bold=r == 0 or (total and r == len(rows)))
