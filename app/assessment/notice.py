"""考核 通报: the month's ranking as a workbook sheet and as a written notice (.docx), from one
Ranking, so the two say the same."""
from datetime import date

from app.assessment.services import INDICATORS, Ranking, summary
from app.excel import Percent, Sheet
from app.reports.notice import DOCX, write_notice

__all__ = ["DOCX", "document", "sheets"]


def _change(line) -> str:
    if line.change is None:
        return "—"
    return f"↑{line.change}" if line.change > 0 else f"↓{-line.change}" if line.change < 0 else "持平"


def sheets(ranking: Ranking) -> list[Sheet]:
    """The ranking (one row per unit: place, change, each indicator's score, the points, the total)
    and the details behind it (one row per unit and indicator: value, target, 完成率, score)."""
    items, month = ranking.scheme.items, ranking.month
    state = "已定稿" if ranking.frozen_at else "未定稿"
    byline = (f"考核单位：{ranking.scheme.unit.name}", f"统计截至：{ranking.end.isoformat()}（{state}）")
    headers = ["名次", "单位", "综合得分", "较上月", *(f"{INDICATORS[i.indicator]}（{i.weight:g}）" for i in items),
               "加减分", "上月定稿后更正"]
    table = ([line.rank, line.unit_name, line.total, _change(line), *(c.score for c in line.cells), line.adjustment,
              line.correction] for line in ranking.lines)
    details = ([line.unit_name, INDICATORS[item.indicator], f"{c.parts[0]}/{c.parts[1]}" if c.parts else c.value,
                c.target, Percent(c.completion) if c.completion is not None else "无目标", item.weight, c.score]
               for line in ranking.lines for item, c in zip(items, line.cells))
    title = f"{ranking.scheme.name} {month.year}年1—{month.month}月"
    return [Sheet("考核排名", headers, table, heading=f"{title}考核排名", byline=byline),
            Sheet("指标明细", ["单位", "指标", "完成值", "目标值", "完成率（比率）", "权重", "得分"], details,
                  heading=f"{title}各项指标得分", byline=byline)]


def document(ranking: Ranking, today: date) -> bytes:
    """The written 通报: the summary in words, then the table of places."""
    month = ranking.month
    rows = [[line.unit_name, str(line.rank), f"{line.total}", _change(line)] for line in ranking.lines]
    points = [f"{a.unit.name}{'加' if a.points > 0 else '减'}{abs(a.points)}分：{a.reason}" for a in ranking.adjustments]
    parts = [("一、总体情况", summary(ranking), None),
             ("二、考核排名", [f"按照《{ranking.scheme.name}》，1—{month.month}月各单位考核得分和排名如下。"],
              (f"{month.year}年1—{month.month}月考核排名", ["单位", "名次", "综合得分", "较上月"], rows, False))]
    if points:
        parts.append(("三、加减分事项", points, None))
    return write_notice(f"{ranking.scheme.unit.name}{month.year}年{month.month}月招商引资工作考核通报", today, parts)
