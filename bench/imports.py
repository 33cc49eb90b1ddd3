"""Ledger imports at scale, beside a bare baseline from the same run.

A 50,000-row, 15-column enterprise ledger is imported fresh (preview + commit), then imported
again as it is (every row unchanged); the baseline is python-calamine reading the same file plus a
bare bulk insert of the same rows on the driver. Each import runs in a process of its own so its
peak memory is its own. Then a compressed bomb (a million rows of twenty cells) is refused.

    export CRM_DATABASE_URL=sqlite:////tmp/bench.sqlite
    .venv/bin/flask --app wsgi db upgrade && .venv/bin/flask --app wsgi seed synthetic
    .venv/bin/python bench/imports.py [--rows 50000]

Targets (issue 13): preview + commit ≤ 2 × the baseline, fresh and unchanged; peak memory ≤ 400 MB.
The ledger's rows are removed again at the end (undo of the batch), so the database is left as it was.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = ["企业名称", "统一社会信用代码", "联系人", "职务", "联系电话", "邮箱", "所在省", "所在市", "来源区域", "行业代码",
           "标签", "营收（万元）", "员工人数", "最近对接日期", "备注"]
REGIONS = ["长三角", "珠三角", "京津冀", "成渝", "省外", "境外"]


def make_ledger(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from app.standards import make_uscc

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业台账")
    ws.append(["2026年招商目标企业台账"])
    ws.append(["填报单位：山西省投资促进局"])
    ws.append(HEADERS)
    for i in range(rows):
        ws.append([f"导入基准{i:05d}号科技（苏州）有限公司", make_uscc(f"9132{i:013d}"), f"联系人{i % 97}", "总经理",
                   f"139{i:08d}", f"contact{i}@example.com", "江苏省", "苏州市", REGIONS[i % len(REGIONS)],
                   f"C{3900 + i % 90}", "高新技术企业、专精特新", 1000 + i, 50 + i % 900,
                   f"2025/{i % 12 + 1}/{i % 28 + 1}", "据 2026 年走访台账"])
    ws.append(["合计：" + f"{rows}家"])
    ws.append(["备注：1. 本表数据截至 2026 年 10 月。"])
    wb.save(path)


BASELINE = """
import resource, sys, time
sys.path.insert(0, {root!r})
from python_calamine import CalamineWorkbook
from app import create_app
from app.extensions import db
app = create_app()
with app.app_context():
    started = time.perf_counter()
    rows = CalamineWorkbook.from_path({path!r}).get_sheet_by_index(0).to_python()
    read = time.perf_counter() - started
    data = rows[3:-2]
    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    started = time.perf_counter()
    if db.engine.dialect.name == "postgresql":
        cursor.execute("CREATE TEMP TABLE bench_rows (" + ", ".join(f"c{{i}} text" for i in range(15)) + ")")
        with cursor.copy("COPY bench_rows FROM STDIN") as copy:
            for row in data:
                copy.write_row([str(v) for v in row])
    else:
        cursor.execute("CREATE TEMP TABLE bench_rows (" + ", ".join(f"c{{i}}" for i in range(15)) + ")")
        cursor.executemany("INSERT INTO bench_rows VALUES (" + ", ".join("?" * 15) + ")", data)
    inserted = time.perf_counter() - started
    raw.rollback()
    raw.close()
print(read, inserted, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# What an import child runs first: the app, and the demo manager as the acting user.
AS_MANAGER = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from app import create_app
from app.extensions import db
from app.imports.services import claim, claim_undo, commit, preview, run, undo
from app.models import ImportBatch, User
app = create_app()
app.app_context().push()
user = db.session.scalar(db.select(User).where(User.username == "manager"))
db.session.info["actor_id"] = user.id
"""

IMPORT = AS_MANAGER + """
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
batch = run(preview("enterprises", Path({path!r}), "ledger.xlsx", user))
db.session.commit()
previewed = time.perf_counter() - started
claim(batch.id, False, True)
db.session.commit()
batch = run(commit(batch, user))
db.session.commit()
total = time.perf_counter() - started
counts = {{k: batch.counts[k] for k in ("create", "update", "unchanged", "error")}}
print(json.dumps({{"batch": batch.id, "preview": previewed, "total": total, "counts": counts, "loaded": loaded,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""

UNDO = AS_MANAGER + """
started = time.perf_counter()
claim_undo({batch})
undo(db.session.get(ImportBatch, {batch}), user)
db.session.commit()
print(time.perf_counter() - started)
"""

BOMB = """
import resource, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from app.excel import ExcelError, Matcher
from app.excel.read import read_source
from app.enterprises.importer import EnterpriseImporter
importer = EnterpriseImporter()
started = time.perf_counter()
try:
    read_source(Path({path!r}), "bomb.xlsx", importer.spec, importer.required, Matcher(importer.spec))
    print("not refused")
except ExcelError as error:
    print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, error)
"""


def child(code: str, **values) -> str:
    return subprocess.run([sys.executable, "-c", code.format(root=str(ROOT), **values)], capture_output=True,
                          text=True, check=True).stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    from tests.workbooks import bomb

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        make_ledger(path, args.rows)
        read, inserted, base_peak = map(float, child(BASELINE, path=str(path)).split())
        baseline = read + inserted
        print(f"{args.rows:,} rows × {len(HEADERS)} columns ({path.stat().st_size / 1e6:.1f} MB)")
        print(f"  baseline: calamine read {read:.2f} s + bare bulk insert {inserted:.2f} s = {baseline:.2f} s "
              f"(peak RSS {base_peak / 1024:.0f} MB)")
        batches = []
        for label in ("fresh", "unchanged"):
            result = json.loads(child(IMPORT, path=str(path)))
            batches.append(result["batch"])
            print(f"  {label:9}: preview {result['preview']:.2f} s, preview + commit {result['total']:.2f} s = "
                  f"{result['total'] / baseline:.2f} × baseline; peak RSS {result['peak'] / 1024:.0f} MB "
                  f"(app loaded {result['loaded'] / 1024:.0f} MB) {json.dumps(result['counts'])}")
        seconds = float(child(UNDO, batch=batches[0]))
        print(f"  undo of the fresh batch (the database as it was): {seconds:.2f} s")
        started = time.perf_counter()
        bomb_path = bomb(Path(tmp) / "bomb.xlsx")
        made = time.perf_counter() - started
        seconds, peak, message = child(BOMB, path=str(bomb_path)).split(" ", 2)
        print(f"bomb: {bomb_path.stat().st_size / 1e6:.1f} MB holding ~{1_048_575 * 20:,} cells (made in {made:.1f} s): "
              f"refused in {float(seconds):.2f} s, peak RSS {int(peak) / 1024:.0f} MB — {message}")


if __name__ == "__main__":
    main()
