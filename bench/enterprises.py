"""Enterprise library at province scale: the list searched by 2-character Chinese queries and by
pinyin or initials, the search box over every kind, the export of every row, and a 50,000-row
import — each beside a bare baseline from the same run.

    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi db upgrade
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app wsgi seed synthetic
    CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/python bench/enterprises.py [--requests 200]

Targets (issues 3 and 16): list and search box p95 ≤ 50 ms, for pinyin queries too; export of 100,000 rows ≤ 10 s and ≤ 200 MB peak;
import of 50,000 rows (preview + commit) ≤ 15 s. The import runs in a transaction that is rolled
back, so the database is left as it was.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import percentile, served_app  # noqa: E402

QUERIES = ["医药", "苏州", "华鑫", "食品", "科技", "玻璃", "深圳", "恒达", "汽车", "新材"]
PINYIN = ["suzhou", "sz", "hengda", "hd", "yiyao", "kj", "shenzhen", "xincai", "qc", "boli"]  # issue 16: p95 ≤ 50 ms



def bench_list(app, n, queries=QUERIES, page="/enterprises/?q={q}&page={page}", what="2 characters"):
    from app.seed.demo import DEMO_PASSWORD

    print(f"{page.split('?')[0]} ?q=<{what}>, {n} requests each, ms")
    for username in ("manager", "officer"):
        client = app.test_client()
        client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
        times = []
        for i in range(n):
            q = queries[i % len(queries)]
            started = time.perf_counter()
            response = client.get(page.format(q=q, page=random.randrange(1, 4)))
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        noop = []
        for _ in range(n):
            started = time.perf_counter()
            client.get("/bench-noop")
            noop.append((time.perf_counter() - started) * 1000)
        print(f"  {username:8} p50 {statistics.median(times):6.1f}  p95 {percentile(times, .95):6.1f}   "
              f"(no-op view p95 {percentile(noop, .95):.1f})")


def bench_list_sql(app, n):
    """A baseline: the same search as one bare LIKE scan with the count and one page, on the driver."""
    from app.extensions import db

    with app.app_context():
        raw = db.engine.raw_connection()
        cursor = raw.cursor()
        mark = "?" if db.engine.dialect.name == "sqlite" else "%s"
        times = []
        for i in range(n):
            q = QUERIES[i % len(QUERIES)]
            started = time.perf_counter()
            cursor.execute(f"SELECT *, count(*) OVER () FROM enterprise WHERE is_active AND (name LIKE {mark} "
                           f"OR id IN (SELECT enterprise_id FROM contact WHERE name = {mark})) "
                           f"ORDER BY created_at DESC, id DESC LIMIT 20", [f"%{q}%", q])
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
        raw.close()
    print(f"  bare SQL (LIKE scan, count + page) p50 {statistics.median(times):6.1f}  p95 {percentile(times, .95):6.1f}")


CHILD_EXPORT = """
import resource, sys, time
sys.path.insert(0, {root!r})
from app import create_app
from app.seed.demo import DEMO_PASSWORD
app = create_app()
app.config["WTF_CSRF_ENABLED"] = False
client = app.test_client()
client.post("/auth/login", data={{"username": "manager", "password": DEMO_PASSWORD}})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
response = client.get("/enterprises/export.xlsx?inactive=1")
size = len(response.data)
seconds = time.perf_counter() - started
print(seconds, size, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

CHILD_BASELINE = """
import resource, sys, time, tempfile
from datetime import date
sys.path.insert(0, {root!r})
from app.excel import Sheet, write_workbook
rows = ([f"示例名称{{i}}有限公司", f"91140000MA{{i:07d}}X", "目标", "长三角", "山西省", "太原", "C3921", "上市公司",
         1234.5, 100, "太原市", "李专员", date(2026, 1, 1), "王经理", "13800138000"] for i in range({rows}))
started = time.perf_counter()
if {xlsxwriter}:
    import xlsxwriter
    book = xlsxwriter.Workbook(tempfile.mktemp(suffix=".xlsx"), {{"constant_memory": True}})
    sheet = book.add_worksheet("企业库")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
else:
    write_workbook(tempfile.TemporaryFile(), [Sheet("企业库", [str(i) for i in range(15)], rows)])
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_export(rows):
    out = subprocess.run([sys.executable, "-c", CHILD_EXPORT.format(root=str(ROOT))], capture_output=True,
                         text=True, env=os.environ, check=True).stdout.split()
    seconds, size, before, peak = float(out[0]), int(out[1]), int(out[2]), int(out[3])
    base, bare = (subprocess.run([sys.executable, "-c", CHILD_BASELINE.format(root=str(ROOT), rows=rows, xlsxwriter=x)],
                                 capture_output=True, text=True, check=True).stdout.split() for x in (False, True))
    print(f"export of every row ({rows:,}): {seconds:.1f} s, {size / 1e6:.1f} MB file, "
          f"peak RSS {peak / 1024:.0f} MB (app loaded: {before / 1024:.0f} MB)")
    print(f"  the Excel writer alone (app.excel, no database), same cells: {float(base[0]):.1f} s, peak RSS {int(base[1]) / 1024:.0f} MB")
    print(f"  XlsxWriter (constant_memory) alone, same cells: {float(bare[0]):.1f} s; "
          f"the whole export / XlsxWriter = {seconds / float(bare[0]):.2f}")


def make_import_file(path: Path, rows: int):
    from openpyxl import Workbook

    from app.standards import make_uscc

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["2026年招商目标企业台账"])
    ws.append(["企业名称", "统一社会信用代码", "联系人", "联系电话", "营收（万元）", "来源区域", "最近对接日期", "标签"])
    for i in range(rows):
        ws.append([f"导入测试{i:05d}号科技有限公司", make_uscc(f"9132{i:013d}"), f"联系人{i % 97}",
                   f"139{i:08d}", 1000 + i, "长三角", f"2025/{i % 12 + 1}/{i % 28 + 1}", "高新技术企业"])
    wb.save(path)


def bench_import(app, rows):
    from python_calamine import CalamineWorkbook

    from app.extensions import db
    from app.imports.services import commit, preview, run
    from app.models import User

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "import.xlsx"
        make_import_file(path, rows)
        started = time.perf_counter()
        cells = sum(len(r) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
        bare = time.perf_counter() - started
        with app.app_context():
            user = db.session.scalar(db.select(User).where(User.username == "officer"))
            db.session.info["actor_id"] = user.id
            started = time.perf_counter()
            batch = run(preview("enterprises", path, path.name, user))
            previewed = time.perf_counter() - started
            batch = run(commit(batch, user, skip_errors=False))
            db.session.flush()
            total = time.perf_counter() - started
            counts = {k: batch.counts[k] for k in ("create", "update", "unchanged", "error")}
            db.session.rollback()
    print(f"import of {rows:,} rows: preview {previewed:.1f} s, preview + commit {total:.1f} s {json.dumps(counts)}")
    print(f"  bare calamine read of the same file ({cells:,} cells): {bare:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--only", choices=["list", "export", "import"])
    args = parser.parse_args()
    from app.extensions import db

    app, _ = served_app()
    with app.app_context():
        total = db.session.scalar(db.text("SELECT count(*) FROM enterprise"))
        print(f"{db.engine.dialect.name}, {total:,} enterprises")
    if args.only in (None, "list"):
        bench_list(app, args.requests)
        bench_list(app, args.requests, PINYIN, what="pinyin or initials")
        bench_list(app, args.requests, QUERIES + PINYIN, "/search/?q={q}", "2 characters or pinyin, every kind")
        bench_list_sql(app, args.requests)
    if args.only in (None, "export"):
        bench_export(total)
    if args.only in (None, "import"):
        bench_import(app, args.import_rows)


if __name__ == "__main__":
    main()
