"""Command-line entry points: thin wrappers over services that commit once at the end."""
import json
import sys

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.models import OrgUnit, Park
from app.models.enums import Role

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
    from app.admin.services import AdminError, create_user as create

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
        user = create(None, username=username, display_name=display_name or username, role=role,
                      unit_id=unit.id, password=password, park_id=park.id if park else None)
    except AdminError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"已创建用户 {user.username}（{user.role_label}，{unit.name}）。")


@seed_cli.command("demo")
def seed_demo():
    """Load the Shanxi demo data (DOMAIN.md §8). Running it again changes nothing."""
    from app.seed.demo import DEMO_LOGINS, load_demo

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
    from app.seed.synthetic import generate

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


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
