"""Command-line entry points: thin wrappers over services that commit once at the end."""
import json
import logging
import sys
import time
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app import audit_trail, revision, tally
from app.admin.services import create_user as create_account
from app.agenda import daily
from app.auth import totp
from app.excel import ExcelError, write_workbook
from app.extensions import db
from app.imports.services import (
    BatchError,
    claim,
    commit,
    importer_for,
    parse_mapping,
    parse_value_choices,
    preview,
    release,
    remember,
    run,
    where,
)
from app.jobs import POLL_AT_MOST
from app.models import ImportBatch, ImportRow, OrgUnit, Park, User
from app.models.enums import Permission, Role
from app.problems import services as problems
from app.supervision import services as supervision
from app.reports import monthly
from app.seed.demo import DEMO_LOGINS, load_demo
from app.security.services import SecurityError, set_permissions
from app.seed.synthetic import SCALES, generate

users_cli = AppGroup("users", help="用户管理")
audit_cli = AppGroup("audit", help="审计日志：校验与归档")
seed_cli = AppGroup("seed", help="演示数据与规模数据")
notify_cli = AppGroup("notify", help="通知与每日提醒邮件")


@notify_cli.command("daily")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="按哪一天运行（默认今天）")
def notify_daily(day):
    """Count the day's warnings for the dashboards (app/tally.py; else their first view does), escalate
    problems unsolved past their deadline, remind overdue 督办, tell follow-ups due and warnings
    raised, then mail each user its digest (once a day)."""
    today = day.date() if day else date.today()
    tally.count_warnings(db.session, today)
    escalated, reminded = problems.escalate_overdue(today), supervision.remind_overdue(today)
    told = daily.tell(today)
    db.session.commit()
    mailed = 0
    for _ in daily.send_digests(today):
        db.session.commit()
        mailed += 1
    click.echo(f"逾期上报问题 {escalated} 个；催办督办 {reminded} 件；新通知 {told} 条；发送提醒邮件 {mailed} 封。")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--unit", "unit_code", required=True, help="所属单位代码")
@click.option("--park", "park_name", help="园区管理员绑定的园区名称")
@click.option("--name", "display_name", help="姓名（默认同用户名）")
def create_user(username, role, unit_code, park_name, display_name):
    """Create a user; the password is read from stdin when piped, otherwise prompted."""

    unit = db.session.scalar(sa.select(OrgUnit).where(OrgUnit.code == unit_code))
    if unit is None:
        raise click.ClickException(f"单位代码 {unit_code} 不存在。")
    park = db.session.scalar(sa.select(Park).where(Park.name == park_name)) if park_name else None
    if park_name and park is None:
        raise click.ClickException(f"园区 {park_name} 不存在。")
    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_account(None, username=username, display_name=display_name or username, role=role,
                      unit_id=unit.id, password=password, park_id=park.id if park else None)
    except ValueError as error:  # AdminError, PasswordError
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"已创建用户 {user.username}（{user.role_label}，{unit.name}）。")


@users_cli.command("permissions")
@click.argument("username")
@click.argument("permissions", nargs=-1, type=click.Choice([p.value for p in Permission]))
def user_permissions(username, permissions):
    """Set the permissions a user holds beyond its role (none given: revoke all)."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"用户 {username} 不存在。")
    try:
        set_permissions(user, set(permissions))
    except SecurityError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"用户 {username} 的权限：{'、'.join(Permission.label_of(p) for p in permissions) or '无'}。")


@users_cli.command("reset-totp")
@click.argument("username")
def reset_totp(username):
    """Turn a user's second factor off (a security admin who lost its phone and has no recovery
    code left); the user enrols again at its next login where its role requires it. Audited."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"用户 {username} 不存在。")
    totp.remove(user, None)
    db.session.commit()
    click.echo(f"已重置用户 {username} 的双因素认证。")


@seed_cli.command("demo")
def seed_demo():
    """Load the Shanxi demo data (its 11 consumer-goods clusters, their parks and lead firms). Running it again changes nothing."""

    created = load_demo()
    db.session.commit()
    click.echo("已载入演示数据。" if created else "演示数据已存在，未作改动。")
    for username, password, role in DEMO_LOGINS:
        click.echo(f"  {Role.label_of(role)}: {username} / {password}")


@seed_cli.command("synthetic")
@click.option("--scale", type=click.Choice(list(SCALES)), default="province", show_default=True,
              help="省级（一个省）或全国（31 个省，省以下按 GB/T 2260 的市、县）；下列各项默认按此")
@click.option("--enterprises", type=int, help="企业数（省级 100000，全国 3000000）")
@click.option("--projects", type=int, help="项目数（省级 20000，全国 1000000）")
@click.option("--activities", type=int, help="对接记录数（省级 300000，全国 5000000）")
@click.option("--parks", type=int, help="园区数（省级 60，全国 1860）")
@click.option("--users", type=int, help="各单位的招商专员（省级 2000，全国 62000；另有每个市、县一名审计管理员）")
@click.option("--audit", default=0, show_default=True, help="审计日志条数（按时间先后，已封存成链）")
@click.option("--seed", "seed_value", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出统计")
def seed_synthetic(scale, audit, seed_value, as_json, **sizes):
    """Deterministic province- or country-scale data for benchmarks (bulk inserts, not audited;
    --audit adds a sealed trail of its own)."""

    sizes = {**SCALES[scale], **{name: value for name, value in sizes.items() if value is not None}}
    try:
        stats = generate(**sizes, audit=audit, seed=seed_value)
    except ValueError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))
    else:
        click.echo(f"写入 {stats['rows']} 行，用时 {stats['seconds']:.1f} 秒（{stats['rows_per_second']:.0f} 行/秒）。")


@click.command("import")
@with_appcontext
@click.argument("kind")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只预览，不写入")
@click.option("--skip-errors", is_flag=True, help="跳过错误行，导入其余行")
@click.option("--user", "username", help="以该用户身份导入（默认：第一个在用的系统管理员）")
@click.option("--map", "maps", multiple=True, metavar="表头=字段",
              help="指定某列导入为哪个字段（字段按模板表头书写；“表头=”为不导入）；可重复")
@click.option("--value", "values", multiple=True, metavar="字段:写法=取值",
              help="文件中某种写法对应的标准取值（如 来源区域:华东=长三角），为本单位记住；可重复")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
def import_file(kind, path, dry_run, skip_errors, username, maps, values, as_json):
    """Import a ledger (KIND: enterprises, projects, capacity, chains) with the same preview, checks
    and batch as the web page. Exit status: 0 every row imports (or would), 1 rows have errors,
    2 the file or the request is refused."""

    user = _acting_user(username)
    db.session.info["actor_id"] = user.id
    try:
        mapping = parse_mapping(importer_for(kind), list(maps))
        for name, chosen in parse_value_choices(importer_for(kind), list(values)).items():
            remember(f"{kind}.{name}", chosen, user)
        batch = run(preview(kind, Path(path), Path(path).name, user, mapping))
        if batch.counts.get("missing"):
            columns = "、".join(c["header"] for s in batch.counts["sheets"] for c in s["columns"] if c["header"])
            raise BatchError(f"找不到“{'、'.join(batch.counts['missing'])}”列：请用 --map '表头={batch.counts['missing'][0]}' "
                             f"指定文件中的列（文件的列：{columns}）。")
    except (ExcelError, BatchError) as error:
        db.session.rollback()
        _refuse(str(error), as_json)
    errors = _row_errors(batch)
    summary = _import_summary(batch, errors)
    if dry_run or (errors and not skip_errors):
        db.session.rollback()
    else:
        batch_id = batch.id
        try:
            claim(batch_id, skip_errors, confirmed=True)
            db.session.commit()
            batch = run(commit(db.session.get(ImportBatch, batch_id), user))
            db.session.commit()
        except BatchError as error:
            db.session.rollback()
            release(batch_id, str(error))
            db.session.commit()
            _refuse(str(error), as_json)
        summary = {**summary, **_import_summary(batch, errors), "written": True}
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        for error in errors:
            click.echo(f"{error['where']}: {error['message']}")
        for skipped in summary["skipped"]:
            click.echo(f"跳过 {skipped['sheet']}!{skipped['row']}：{skipped['reason']}")
        if summary["unmapped_columns"]:
            click.echo(f"未导入的列：{'、'.join(summary['unmapped_columns'])}")
        for passed in summary["sheets_not_read"]:
            click.echo(f"未读取工作表“{passed['sheet']}”：{passed['reason']}")
        click.echo(f"新增 {summary['created']}，更新 {summary['updated']}，未变 {summary['unchanged']}，错误 {len(errors)}"
                   + ("（预览，未写入）" if dry_run else "" if summary["written"]
                      else "（有错误，未写入；可加 --skip-errors 跳过错误行）"))
    if errors:
        sys.exit(1)


def _import_summary(batch: ImportBatch, errors: list[dict]) -> dict:
    counts = batch.counts
    return {"created": counts.get("create", 0), "updated": counts.get("update", 0),
            "unchanged": counts.get("unchanged", 0), "errors": errors, "skipped": counts.get("skipped", []),
            "unmapped_columns": counts.get("unmapped_columns", []),
            "sheets": [s["name"] for s in counts.get("sheets", [])], "sheets_not_read": counts.get("passed", []),
            "written": False}


def _refuse(message: str, as_json: bool):
    if as_json:
        click.echo(json.dumps({"refused": message}, ensure_ascii=False))
    else:
        click.echo(f"错误：{message}", err=True)
    sys.exit(2)


def _acting_user(username: str | None):
    stmt = sa.select(User).where(User.is_active.is_(True))
    stmt = stmt.where(User.username == username) if username else stmt.where(User.role == Role.ADMIN).order_by(User.id)
    user = db.session.scalars(stmt).first()
    if user is None:
        raise click.ClickException(f"用户 {username} 不存在或已停用。" if username else "没有在用的系统管理员，请用 --user 指定。")
    return user


def _row_errors(batch) -> list[dict]:
    several = len(batch.counts.get("sheets", [])) > 1
    rows = db.session.execute(sa.select(ImportRow.sheet, ImportRow.row_number, ImportRow.message).where(
        ImportRow.batch_id == batch.id, ImportRow.action == "error").order_by(ImportRow.id))
    return [{"sheet": s, "row": n, "where": where(s, n, several), "message": m} for s, n, m in rows]


jobs_cli = AppGroup("jobs", help="任务队列")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="工作线程数")
def jobs_worker(workers):
    """Run queue workers until stopped (production: on any number of nodes sharing CRM_QUEUE_URL;
    the web servers then set CRM_QUEUE_WORKERS=0)."""
    huey = current_app.extensions["huey"]
    if huey.immediate:
        raise click.ClickException("CRM_QUEUE_URL=immediate 的任务当场执行，不需要工作进程。")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    huey.create_consumer(workers=workers, periodic=False, max_delay=POLL_AT_MOST).run()


figures_cli = AppGroup("figures", help="页面与统计数字的缓存")


@figures_cli.command("refresh")
def figures_refresh():
    """After records were changed in SQL by hand (outside the app): the figures kept per unit and
    month are counted again (app/tally.py) and every node computes its kept figures and pages
    again (app/revision.py)."""
    tally.rebuild(db.session)
    revision.replace(db.session)
    db.session.commit()
    click.echo("已更新数据版本，各节点将重新计算统计数字和页面。")


report_cli = AppGroup("report", help="报表")


@report_cli.command("monthly")
@with_appcontext
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--unit", "unit_code", help="单位代码（默认：根单位）")
@click.option("--include-pending", is_flag=True, help="计入待审核的记录")
@click.option("-o", "output", type=click.Path(dir_okay=False), help="工作簿路径（默认：当前目录下按单位和月份命名）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出汇总（不写工作簿，除非同时给出 -o）")
@click.option("--user", "username", help="以该用户的数据范围出报（默认：第一个在用的系统管理员）")
@click.option("--unit-amount", "amount_unit", type=click.Choice(monthly.AMOUNT_UNITS), default="万元", show_default=True,
              help="汇总类工作表的金额单位（明细表始终为万元）")
def report_monthly(month, unit_code, include_pending, output, as_json, username, amount_unit):
    """The monthly report (招商引资工作月报): the workbook, or its summary as JSON."""
    user = _acting_user(username)
    try:
        first = monthly.parse_month(month, date.today())
        root = db.session.scalar(sa.select(OrgUnit.code).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        unit = monthly.report_unit(user, unit_code or root)
    except monthly.ReportError as error:
        raise click.ClickException(str(error))
    report = monthly.summary(user, first, unit, include_pending)
    if output or not as_json:
        path = Path(output or monthly.filename(unit, first))
        write_workbook(path, monthly.workbook(user, report, include_pending, amount_unit=amount_unit),
                       footer=f"{unit.name}  {date.today().isoformat()}")
        if not as_json:
            click.echo(f"已生成 {path}")
    if as_json:
        click.echo(json.dumps(monthly.as_json(report), ensure_ascii=False))


@audit_cli.command("verify")
@click.option("--archive", "archive_file", type=click.File("rb"), help="校验一个归档文件（而不是库中的日志）")
def audit_verify(archive_file):
    """Recompute the chain of the log (or of an archive file); exit 1 naming the first bad row."""
    key = current_app.config["SECRET_KEY"]
    if archive_file:
        problem, checked = audit_trail.verify_archive(archive_file.read(), key), ""
    else:
        started = time.perf_counter()
        rows, problem = audit_trail.verify(db.session)
        seconds = time.perf_counter() - started
        checked = f"（{rows} 条，用时 {seconds:.1f} 秒，每秒 {rows / max(seconds, 1e-6):.0f} 条）"
    if problem:
        click.echo(problem + checked, err=True)
        sys.exit(1)
    click.echo(f"审计日志校验通过：没有记录被改动或删除{checked}。")


@audit_cli.command("archive")
@click.option("--before", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="归档此日期之前的记录")
@click.option("--out", type=click.File("wb"), required=True, help="写入的归档文件")
def audit_archive(before, out):
    """Move the rows older than a date to a signed file; the chain in the table stays verifiable."""
    keep = max(180, int(current_app.config["AUDIT_KEEP_DAYS"]))
    try:
        count = audit_trail.archive(db.session, before.date(), out, current_app.config["SECRET_KEY"], keep)
    except audit_trail.ArchiveError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"已归档 {count} 条审计记录。")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(import_file)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(figures_cli)
