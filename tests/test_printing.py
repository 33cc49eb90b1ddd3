"""Every kind of workbook the app writes, and the 通报, printed by LibreOffice as a user would print it: each
page in the orientation its sheet asks for, no text under 8 pt, no text over other text, and every
column header on a sheet's first page (the sheet fits the page width).

LibreOffice is required in CI; elsewhere the test is skipped when ``soffice`` is missing.
"""
import os
import re
import shutil
import subprocess
from collections import defaultdict

import openpyxl
import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextBox, LTTextLine

from app.seed.demo import DEMO_PASSWORD
from tests.test_imports import upload
from tests.workbooks import messy_enterprises

SMALLEST_PT = 8


@pytest.fixture
def soffice():
    path = shutil.which("soffice")
    if not path:
        if os.environ.get("CI"):
            raise RuntimeError("LibreOffice is required in CI (apt-get install libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed here (apt-get install libreoffice-calc-nogui)")
    return path


def _pages(pdf):
    """Per page: its size, its text boxes (text, box) and the smallest character on it."""
    for page in extract_pages(pdf):
        boxes, lines, sizes = [], [], []
        for box in page:
            if isinstance(box, LTTextBox):
                boxes.append("".join(box.get_text().split()))
                for line in box:
                    if isinstance(line, LTTextLine) and line.get_text().strip():
                        lines.append((line.get_text().strip(), line.bbox))
                        sizes += [c.size for c in line if isinstance(c, LTChar) and c.get_text().strip()]
        yield page.width > page.height, boxes, lines, min(sizes, default=99)


def _overlapping(lines):
    """Pairs of text lines whose boxes overlap (a header printed across a row, text over text)."""
    found = []
    for i, (text, (x0, y0, x1, y1)) in enumerate(lines):
        for other, (a0, b0, a1, b1) in lines[i + 1:]:
            if min(x1, a1) - max(x0, a0) > 0.5 and min(y1, b1) - max(y0, b0) > 0.5:
                found.append((text, other))
    return found


def test_every_workbook_prints_legibly_on_a4(app, client, runner, soffice, tmp_path):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    client.post("/auth/login", data={"username": "manager", "password": DEMO_PASSWORD})
    upload(client, messy_enterprises(tmp_path / "台账.xlsx"))  # a batch with error rows
    batch = re.search(r"/imports/(\d+)", client.get("/imports/").get_data(as_text=True))[1]
    scheme = re.search(r"/assessment/(\d+)", client.get("/assessment/").get_data(as_text=True))[1]
    downloads = {"monthly": "/reports/monthly.xlsx?month=2026-11", "monthly-yi": "/reports/monthly.xlsx?month=2026-11&amount_unit=亿元",
                 "enterprises": "/enterprises/export.xlsx", "projects": "/projects/export.xlsx",
                 "capacity": "/parks/export.xlsx", "catalogue": "/chains/catalogue.xlsx", "nodes": "/chains/nodes.xlsx",
                 "errors": f"/imports/{batch}/errors.xlsx", "problems": "/problems/export.xlsx",
                 "supervision": "/supervision/export.xlsx", "weekly": "/weekly/export.xlsx?week=2026-11-16",
                 "ranking": f"/assessment/{scheme}/ranking.xlsx?month=2026-11",
                 **{f"template-{kind}": f"/imports/{kind}/template.xlsx"
                    for kind in ("enterprises", "projects", "capacity", "chains")}}
    park_admin = app.test_client()  # a park's capacity list is its admin's to import
    park_admin.post("/auth/login", data={"username": "parkadmin", "password": DEMO_PASSWORD})
    for name, url in downloads.items():
        response = (park_admin if name == "template-capacity" else client).get(url)
        assert response.status_code == 200 and response.data[:2] == b"PK", name
        (tmp_path / f"{name}.xlsx").write_bytes(response.data)
    (tmp_path / "notice.docx").write_bytes(client.get("/reports/notice.docx?month=2026-11").data)
    (tmp_path / "ranking-notice.docx").write_bytes(client.get(f"/assessment/{scheme}/notice.docx?month=2026-11").data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), str(tmp_path / "notice.docx"), str(tmp_path / "ranking-notice.docx"),
                    *(str(tmp_path / f"{n}.xlsx") for n in downloads)], check=True, capture_output=True, timeout=120)
    problems = []
    for notice in ("notice", "ranking-notice"):  # the 通报: A4 portrait
        for landscape, _boxes, lines, smallest in _pages(tmp_path / "pdf" / f"{notice}.pdf"):
            if landscape or smallest < 10 or _overlapping(lines):
                problems.append(f"{notice}: {'landscape' if landscape else ''} smallest {smallest:.1f} pt {_overlapping(lines)}")
    for name in downloads:
        book = openpyxl.load_workbook(tmp_path / f"{name}.xlsx")
        first_pages = {}
        all_boxes = defaultdict(list)
        for landscape, boxes, lines, smallest in _pages(tmp_path / "pdf" / f"{name}.pdf"):
            # the footer's right part names the sheet
            sheet = next((b for b in reversed(boxes) if b in book.sheetnames), None)
            assert sheet, f"{name}: a page without its sheet's name in the footer"
            first_pages.setdefault(sheet, boxes)
            all_boxes[sheet] += boxes
            ws = book[sheet]
            if landscape != (ws.page_setup.orientation == "landscape"):
                problems.append(f"{name}/{sheet}: printed {'landscape' if landscape else 'portrait'}")
            if smallest < SMALLEST_PT:
                problems.append(f"{name}/{sheet}: text printed at {smallest:.1f} pt")
            if overlaps := _overlapping(lines):
                problems.append(f"{name}/{sheet}: text over text {overlaps[:3]}")
        for sheet, boxes in first_pages.items():
            ws = book[sheet]
            # a sheet too wide for one page width at 8 pt prints across pages: its headers on some page
            text = "".join(boxes if ws.sheet_properties.pageSetUpPr.fitToPage else all_boxes[sheet])
            for cell in ws[ws.print_title_rows.split(":")[1].strip("$")]:
                if cell.value and "".join(str(cell.value).split()) not in text:
                    problems.append(f"{name}/{sheet}: header “{cell.value}” missing from its first page")
        assert set(first_pages) == {ws.title for ws in book.worksheets}, f"{name}: a sheet did not print"
    assert not problems, "\n".join(problems)
