"""Command-line entry points: thin wrappers over services that commit once at the end."""
import json
import sys
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from app.admin.services import AdminError
from app.admin.services import create_user as create_account
from app.excel import ExcelError, write_workbook
from app.extensions import db
from app.imports.services import BatchError, commit, preview, run
from app.models import ImportRow, OrgUnit, Park, User
from app.models.enums import Role
from app.reports import monthly
from app.seed.demo import DEMO_LOGINS, load_demo
from app.seed.synthetic import generate

users_cli = AppGroup("users", help="用户管理")
seed_cli = AppGroup("seed", help="演示数据与规模数据")


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
    except AdminError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"已创建用户 {user.username}（{user.role_label}，{unit.name}）。")


@seed_cli.command("demo")
def seed_demo():
    """Load the Shanxi demo data (DOMAIN.md §8). Running it again changes nothing."""

    created = load_demo()
    db.session.commit()
    click.echo("已载入演示数据。" if created else "演示数据已存在，未作改动。")
    for username, password, role in DEMO_LOGINS:
        click.echo(f"  {Role.label_of(role)}: {username} / {password}")


@seed_cli.command("synthetic")
@click.option("--enterprises", default=100_000, show_default=True)
@click.option("--projects", default=20_000, show_default=True)
@click.option("--activities", default=300_000, show_default=True)
@click.option("--parks", default=60, show_default=True)
@click.option("--seed", "seed_value", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出统计")
def seed_synthetic(enterprises, projects, activities, parks, seed_value, as_json):
    """Deterministic province-scale data for benchmarks (bulk inserts, not audited)."""

    try:
        stats = generate(enterprises=enterprises, projects=projects, activities=activities, parks=parks,
                         seed=seed_value)
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
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
def import_file(kind, path, dry_run, skip_errors, username, as_json):
    """Import a ledger (KIND: enterprises …) with the same preview, checks and batch as the web page."""

    user = _acting_user(username)
    db.session.info["actor_id"] = user.id
    errors, counts, stopped = [], {}, False
    try:
        batch = run(preview(kind, Path(path), Path(path).name, user))
        errors = _row_errors(batch)
        counts = dict(batch.counts)
        if dry_run:
            db.session.rollback()
        elif errors and not skip_errors:
            stopped = True
            db.session.rollback()
        else:
            batch = run(commit(batch, user, skip_errors))
            counts = dict(batch.counts)
            db.session.commit()
    except (ExcelError, BatchError) as error:
        db.session.rollback()
        raise click.ClickException(str(error))
    summary = {"created": counts.get("create", 0), "updated": counts.get("update", 0),
               "unchanged": counts.get("unchanged", 0), "errors": errors}
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        for error in errors:
            click.echo(f"第{error['row']}行: {error['message']}")
        click.echo(f"新增 {summary['created']}，更新 {summary['updated']}，未变 {summary['unchanged']}，错误 {len(errors)}"
                   + ("（预览，未写入）" if dry_run else "（有错误，未写入；可加 --skip-errors 跳过错误行）" if stopped else ""))
    if stopped:
        sys.exit(1)


def _acting_user(username: str | None):
    stmt = sa.select(User).where(User.is_active.is_(True))
    stmt = stmt.where(User.username == username) if username else stmt.where(User.role == Role.ADMIN).order_by(User.id)
    user = db.session.scalars(stmt).first()
    if user is None:
        raise click.ClickException(f"用户 {username} 不存在或已停用。" if username else "没有在用的系统管理员，请用 --user 指定。")
    return user


def _row_errors(batch) -> list[dict]:
    rows = db.session.execute(sa.select(ImportRow.row_number, ImportRow.message).where(
        ImportRow.batch_id == batch.id, ImportRow.action == "error").order_by(ImportRow.row_number))
    return [{"row": n, "message": m} for n, m in rows]


report_cli = AppGroup("report", help="报表")


@report_cli.command("monthly")
@with_appcontext
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--unit", "unit_code", help="单位代码（默认：根单位）")
@click.option("--include-pending", is_flag=True, help="计入待审核的记录")
@click.option("-o", "output", type=click.Path(dir_okay=False), help="工作簿路径（默认：当前目录下按单位和月份命名）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出汇总（不写工作簿，除非同时给出 -o）")
@click.option("--user", "username", help="以该用户的数据范围出报（默认：第一个在用的系统管理员）")
def report_monthly(month, unit_code, include_pending, output, as_json, username):
    """The monthly report (招商引资工作月报): the workbook, or its summary as JSON."""
    user = _acting_user(username)
    try:
        first = monthly.parse_month(month, date.today())
        root = db.session.scalar(sa.select(OrgUnit.code).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        unit = monthly.report_unit(user, unit_code or root)
    except monthly.ReportError as error:
        raise click.ClickException(str(error))
    rows, total = monthly.summary(user, first, unit, include_pending)
    if output or not as_json:
        path = Path(output or monthly.filename(unit, first))
        write_workbook(path, monthly.workbook(user, first, unit, include_pending, summarised=(rows, total)))
        if not as_json:
            click.echo(f"已生成 {path}")
    if as_json:
        click.echo(json.dumps(monthly.as_json(first, unit, rows, total), ensure_ascii=False))


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(import_file)
