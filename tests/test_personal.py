"""Personal information: contacts masked on pages, in exports and in the audit log for a plain
role; revealed one contact at a time (logged) with view_personal; exported in full only with
export_personal and a reason (logged, and said on the file's first sheet); a masked export read
back changes no number."""
import io

import openpyxl
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, Contact, UserPermission
from app.models.enums import Permission
from app.personal import mask_email, mask_phone, mask_wechat

MOBILE = "13800138000"  # build_world's 王经理


def grant(app, user_id, *permissions):
    with app.app_context():
        db.session.add_all(UserPermission(user_id=user_id, permission=p) for p in permissions)
        db.session.commit()


def test_the_masks():
    assert mask_phone("13912340001") == "139****0001"
    assert mask_phone("手机 13912340001，座机 0351-1234567") == "手机 139****0001，座机 0351-1234567"
    assert mask_phone("0351-1234567") == "0351-1234567"
    assert (mask_email("zhang.san@example.com"), mask_wechat("wxid_abc123"), mask_wechat("ab")) == (
        "z***@example.com", "w***3", "***")


def test_a_plain_role_sees_contacts_masked_everywhere(app, client, world, login):
    with app.app_context():
        contact = db.session.get(Contact, world.contact_id)
        contact.email, contact.wechat = "wang@example.com", "wang_manager"
        db.session.commit()
    login("officer", "a")
    page = client.get(f"/enterprises/{world.enterprise_id}").get_data(as_text=True)
    assert "138****8000" in page and MOBILE not in page
    assert "w***@example.com" in page and "w***r" in page and "wang_manager" not in page
    assert "显示完整" not in page and "导出含完整联系方式" not in client.get("/enterprises/").get_data(as_text=True)
    assert client.post(f"/enterprises/{world.enterprise_id}/contacts/{world.contact_id}/reveal").status_code == 403
    edit = client.get(f"/enterprises/{world.enterprise_id}/contacts/{world.contact_id}/edit").get_data(as_text=True)
    assert MOBILE not in edit and 'name="mobile"' not in edit
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/enterprises/export.xlsx").data)).active
    assert [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["138****8000"]
    # A POST with a reason but without the permission is the masked export.
    posted = client.post("/enterprises/export.xlsx", data={"reason": "对接"})
    assert openpyxl.load_workbook(io.BytesIO(posted.data)).sheetnames == ["企业库"]
    with app.app_context():
        exports = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "export")).all()
        assert [e.changes["行数"] for e in exports] == ["1", "1"]
        assert all("个人信息" not in e.changes for e in exports)


def test_reveal_is_logged_and_a_full_export_needs_a_reason(app, client, world, login):
    user = login("manager", "a")
    grant(app, user.id, Permission.VIEW_PERSONAL, Permission.EXPORT_PERSONAL)
    page = client.get(f"/enterprises/{world.enterprise_id}").get_data(as_text=True)
    assert "显示完整" in page and MOBILE not in page
    shown = client.post(f"/enterprises/{world.enterprise_id}/contacts/{world.contact_id}/reveal")
    assert shown.status_code == 200 and MOBILE in shown.get_data(as_text=True)
    with app.app_context():
        reveal = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "reveal"))
        assert (reveal.user_id, reveal.changes["联系人"]) == (user.id, "王经理")

    assert "导出含完整联系方式" in client.get("/enterprises/").get_data(as_text=True)
    refused = client.post("/enterprises/export.xlsx?status=target", data={"reason": " "})
    assert refused.status_code == 400 and "须填写理由" in refused.get_data(as_text=True)
    full = client.post("/enterprises/export.xlsx?status=target", data={"reason": "赴深圳对接前电话预约"})
    book = openpyxl.load_workbook(io.BytesIO(full.data))
    assert book.sheetnames == ["导出说明", "企业库"]
    notice = [row for row in book["导出说明"].iter_rows(values_only=True)]
    assert ("导出理由", "赴深圳对接前电话预约") in notice and any(user.username in str(r[1]) for r in notice)
    assert [row[-1] for row in book["企业库"].iter_rows(min_row=2, values_only=True)] == [MOBILE]
    catalogue = client.post("/chains/catalogue.xlsx", data={"reason": "小分队出发"})
    assert openpyxl.load_workbook(io.BytesIO(catalogue.data)).sheetnames == ["导出说明", "招商目录"]
    with app.app_context():
        exports = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "export")
                                     .order_by(AuditLog.id)).all()
        assert exports[0].changes["个人信息"] == "完整（理由：赴深圳对接前电话预约）"
        assert exports[0].changes["条件"] == "status=target" and exports[0].changes["行数"] == "1"
        assert exports[1].changes["个人信息"] == "完整（理由：小分队出发）"


def test_the_audit_log_masks_a_contact_change(app, client, world, login, version):
    grant(app, login("officer", "a").id, Permission.VIEW_PERSONAL)  # may edit the number
    url = f"/enterprises/{world.enterprise_id}/contacts/{world.contact_id}/edit"
    assert client.post(url, data={"name": "王经理", "mobile": "13900139000",
                                  "version": version(Contact, world.contact_id)}).status_code == 302
    auditor = app.test_client()
    login("auditor", client=auditor)
    page = auditor.get("/audit/?record_type=Contact").get_data(as_text=True)
    assert "138****8000 → 139****9000" in page and "13900139000" not in page and "手机" in page


def test_permissions_are_granted_and_revoked_from_the_command_line_and_audited(app, world, runner):
    granted = runner.invoke(args=["users", "permissions", "a_officer", "view_personal", "export_personal"])
    assert granted.exit_code == 0 and "查看个人信息" in granted.output
    assert runner.invoke(args=["users", "permissions", "a_officer", "view_personal"]).exit_code == 0
    with app.app_context():
        assert db.session.scalars(sa.select(UserPermission.permission)).all() == ["view_personal"]
        trail = db.session.execute(sa.select(AuditLog.action, AuditLog.changes["permission"].as_string())
                                   .where(AuditLog.record_type == "UserPermission").order_by(AuditLog.id)).all()
        assert [action for action, _ in trail] == ["create", "create", "delete"]
    assert runner.invoke(args=["users", "permissions", "nobody"]).exit_code != 0
