import sqlalchemy as sa

from app.extensions import db
from app.models import User


def test_users_create_reads_the_password_from_stdin(app, runner, world):
    result = runner.invoke(args=["users", "create", "wang", "--role", "manager", "--unit", "A"],
                           input="A-long-password-7\n")
    assert result.exit_code == 0, result.output
    assert "已创建用户 wang" in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "wang"))
        assert user.role == "manager" and user.unit_id == world.a_unit_id
    for role in ("security_admin", "auditor"):  # the other two of 三员分立 are made here first
        result = runner.invoke(args=["users", "create", role.replace("_", ""), "--role", role, "--unit", "P"],
                               input="A-long-password-7\n")
        assert result.exit_code == 0 and ("安全管理员" if role == "security_admin" else "审计管理员") in result.output
        assert user.check_password("A-long-password-7")


def test_users_create_refuses_bad_input_and_writes_nothing(app, runner, world):
    cases = [
        (["users", "create", "x1", "--role", "manager", "--unit", "NOPE"], "Pw-long-enough-9\n", "单位代码 NOPE 不存在"),
        (["users", "create", "x2", "--role", "manager", "--unit", "A"], "short\n", "密码须为 8–128 位"),
        (["users", "create", "a_officer", "--role", "officer", "--unit", "A"], "Pw-long-enough-9\n", "已存在"),
        (["users", "create", "x3", "--role", "park_admin", "--unit", "A"], "Pw-long-enough-9\n", "园区管理员必须绑定一个园区"),
        (["users", "create", "x4", "--role", "boss", "--unit", "A"], "Pw-long-enough-9\n", "Invalid value"),
    ]
    for args, stdin, message in cases:
        result = runner.invoke(args=args, input=stdin)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.username.like("x%"))) == 0


def test_park_admin_is_bound_to_a_park(app, runner, world):
    result = runner.invoke(args=["users", "create", "yuan", "--role", "park_admin", "--unit", "A-Z",
                                 "--park", "甲园区"], input="Pw-long-enough-9\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "yuan")).park_id == world.park_id
