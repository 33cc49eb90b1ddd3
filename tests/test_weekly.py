"""周调度: a week's stage moves, problems raised and closed, 督办 due, visits by unit — page and sheet agree."""
import io
from datetime import date

import openpyxl

from app.extensions import db
from app.models import ProjectProblem, StageEvent, Supervision
from app.models.enums import ReviewStatus, Stage
from tests import helpers


def test_a_week_in_scope_as_a_page_and_one_sheet(app, client, world, login):
    with app.app_context():
        project = helpers.make_project(world.a_zone_unit_id, "周内签约项目")
        db.session.add(StageEvent(project=project, stage=Stage.SIGNED, effective_on=date(2026, 2, 25),
                                  review_status=ReviewStatus.PENDING))
        db.session.add(ProjectProblem(project=project, unit_id=world.a_zone_unit_id, handler_unit_id=world.a_unit_id,
                                      kind="eia", description="环评", due_on=date(2026, 3, 1), raised_on=date(2026, 2, 2),
                                      status="closed", solution="已批复", closed_on=date(2026, 2, 26)))
        db.session.add(Supervision(task="逾期未回复的督办", project_id=project.id, unit_id=world.a_zone_unit_id,
                                   issuer_unit_id=world.a_unit_id, issued_on=date(2026, 2, 1), due_on=date(2026, 2, 20)))
        far = helpers.make_project(world.b_unit_id, "乙市项目")
        db.session.add(StageEvent(project=far, stage=Stage.SIGNED, effective_on=date(2026, 2, 24),
                                  review_status=ReviewStatus.APPROVED))
        db.session.commit()
    login("manager", unit="a")
    page = client.get("/weekly/?week=2026-03-01").get_data(as_text=True)  # a Sunday: the week from 23 February
    assert "2026-02-23 — 2026-03-01" in page
    for part, text in [("week-moves", "周内签约项目</a> 签约（待审核）"), ("week-raised", "甲园区示例项目：用地"),
                       ("week-closed", "周内签约项目：环评"), ("week-due", "逾期未回复的督办"), ("week-visits", "甲市")]:
        assert text in page.split(f'data-testid="{part}"')[1].split("</ul>")[0].split("</table>")[0], part
    assert "乙市项目" not in page  # out of scope
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/weekly/export.xlsx?week=2026-03-01").data)).active
    kinds = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert kinds == ["阶段变动", "新增问题", "办结问题", "督办到期", "对接次数"]
