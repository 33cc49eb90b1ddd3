"""The chain pages: who may change a chain, the node forms and the delete-with-move, putting
enterprises on nodes from either side within scope, the map and its panel, the exports, the
dashboard's chain figures, and a fixed number of queries per page."""
import io
import re
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, Chain, ChainNode, EnterpriseNode, Project, StageEvent
from app.models.enums import GapMark, NodeRole, ReviewStatus, Role, Stage
from app.projects.stages import derive
from tests import helpers
from tests.test_list_queries import counting


def chain_keeper(app, client, world, unit="a_unit_id", role=Role.MANAGER):
    with app.app_context():
        user = helpers.make_user(role, getattr(world, unit))
        db.session.commit()
        username = user.username
    client.post("/auth/login", data={"username": username, "password": helpers.PASSWORD})


def nodes(app) -> dict[str, ChainNode]:
    with app.app_context():
        return {n.name: (n.id, n.parent_id, n.segment, n.gap, n.version) for n in db.session.scalars(sa.select(ChainNode))}


def test_a_manager_keeps_its_chain_and_a_stale_edit_is_refused(app, client, world):
    chain_keeper(app, client, world)
    page = client.post("/chains/new", data={"name": "测试产业链", "cluster": "集群", "unit_id": world.a_unit_id},
                       follow_redirects=True).get_data(as_text=True)
    assert "已有名为“测试产业链”的产业链" in page
    page = client.post("/chains/new", data={"name": "新产业链", "cluster": "集群", "leader": "副市长",
                                            "unit_id": world.b_unit_id}).get_data(as_text=True)
    assert "不是有效的选择" in page  # 乙市 is not offered
    form = {"name": "测试产业链", "cluster": "新集群", "unit_id": world.a_unit_id, "version": 1}
    assert client.post(f"/chains/{world.chain_id}/edit", data=form).status_code == 302
    page = client.post(f"/chains/{world.chain_id}/edit", data={**form, "leader": "市长"},
                       follow_redirects=True).get_data(as_text=True)
    assert "修改（产业集群），您的修改未保存" in page
    with app.app_context():
        assert db.session.get(Chain, world.chain_id).leader is None
        assert db.session.scalars(sa.select(Chain.name)).all() == ["测试产业链"]


def test_officers_and_keepers_of_other_units_cannot_change_a_chain(app, client, world, login):
    login(Role.OFFICER)
    assert client.post(f"/chains/{world.chain_id}/edit", data={}).status_code == 403
    zone = app.test_client()
    chain_keeper(app, zone, world, unit="a_zone_unit_id")  # below 甲市: sees its chain, does not keep it
    assert zone.get(f"/chains/{world.chain_id}/map").status_code == 200
    assert zone.post(f"/chains/{world.chain_id}/nodes/new", data={"name": "x", "segment": "upstream"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(AuditLog.changes).where(AuditLog.action == "denied")) == {
            "attempt": f"POST /chains/{world.chain_id}/nodes/new"}
    assert set(nodes(app)) == {"原料"}


def test_node_forms_refuse_a_cycle_and_a_duplicate_and_deleting_offers_a_move(app, client, world):
    chain_keeper(app, client, world)
    base = f"/chains/{world.chain_id}/nodes"
    top_id = nodes(app)["原料"][0]
    assert client.post(f"{base}/new", data={"name": "子环节", "parent_id": top_id, "segment": "downstream",
                                             "gap": GapMark.FILL}).status_code == 302
    child_id, parent_id, segment, _gap, _v = nodes(app)["子环节"]
    assert (parent_id, segment) == (top_id, "upstream")
    page = client.post(f"{base}/new", data={"name": "子环节", "parent_id": top_id, "segment": "upstream",
                                             "gap": "present"}, follow_redirects=True).get_data(as_text=True)
    assert "上级环节“原料”下已有名为“子环节”的环节" in page
    # The form does not offer the node's own subtree as its parent; a forged one is refused.
    form = client.get(f"{base}/{top_id}/edit").get_data(as_text=True)
    assert f'value="{child_id}"' not in form
    page = client.post(f"{base}/{top_id}/edit", data={"name": "原料", "parent_id": child_id, "segment": "upstream",
                                                      "gap": "fill", "version": 1}).get_data(as_text=True)
    assert "不是有效的选择" in page  # and the service refuses it too (tests/test_chain_services.py)
    assert nodes(app)["原料"][1] is None

    with app.app_context():
        db.session.add(EnterpriseNode(enterprise_id=world.enterprise_id, node_id=top_id, role=NodeRole.LOCAL))
        db.session.get(Project, world.project_id).chain_node_id = top_id
        db.session.commit()
    page = client.get(f"{base}/{top_id}/delete").get_data(as_text=True)
    assert "还有下级环节 1 个、关联企业 1 家、关联项目 1 个" in page
    page = client.post(f"{base}/{top_id}/delete", data={}, follow_redirects=True).get_data(as_text=True)
    assert "不能直接删除" in page and "原料" in nodes(app)
    client.post(f"{base}/new", data={"name": "接收环节", "segment": "midstream", "gap": "present"})
    target_id = nodes(app)["接收环节"][0]
    assert client.post(f"{base}/{top_id}/delete", data={"move_to": target_id}).status_code == 302
    after = nodes(app)
    assert "原料" not in after and after["子环节"][1:3] == (target_id, "midstream")
    with app.app_context():
        assert db.session.get(Project, world.project_id).chain_node_id == target_id
        assert db.session.scalar(sa.select(EnterpriseNode.node_id)) == target_id


def test_enterprises_go_on_nodes_from_either_page_within_scope(app, client, world):
    chain_keeper(app, client, world, role=Role.OFFICER)
    node_id = nodes(app)["原料"][0]
    with app.app_context():
        foreign = helpers.make_enterprise(world.b_unit_id, "乙市示例企业有限公司").id
        hidden_chain = Chain(name="乙市产业链", cluster="集群", unit_id=world.b_unit_id)
        hidden_node = ChainNode(chain=hidden_chain, segment="upstream", name="乙环节")
        db.session.add_all([hidden_chain, hidden_node])
        db.session.commit()
        hidden_node_id = hidden_node.id
    page = client.get(f"/chains/{world.chain_id}/nodes/{node_id}?q=示例").get_data(as_text=True)
    assert "甲市示例企业有限公司" in page and "乙市示例企业有限公司" not in page  # search within scope
    response = client.post("/chains/links", data={"node_id": node_id, "enterprise_id": world.enterprise_id,
                                                  "role": NodeRole.TARGET, "back": "node"})
    assert response.location.endswith(f"/chains/{world.chain_id}/nodes/{node_id}")
    for node, enterprise in ((node_id, foreign), (hidden_node_id, world.enterprise_id)):
        assert client.post("/chains/links", data={"node_id": node, "enterprise_id": enterprise,
                                                  "role": NodeRole.LOCAL}).status_code == 404
    page = client.get(f"/enterprises/{world.enterprise_id}").get_data(as_text=True)
    assert "测试产业链 · 原料</a>（目标企业）" in page and "乙环节" not in page  # its node choices are the visible ones
    response = client.post("/chains/links", data={"node_id": node_id, "enterprise_id": world.enterprise_id,
                                                  "role": NodeRole.CHAIN_LEADER, "back": "enterprise"})
    assert response.location.endswith(f"/enterprises/{world.enterprise_id}")
    with app.app_context():
        assert db.session.scalars(sa.select(EnterpriseNode.role)).all() == [NodeRole.CHAIN_LEADER]
    client.post("/chains/links/delete", data={"node_id": node_id, "enterprise_id": world.enterprise_id})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EnterpriseNode)) == 0
    page = client.post("/chains/links", data={"node_id": node_id, "role": NodeRole.LOCAL},
                       follow_redirects=True).get_data(as_text=True)
    assert "请选择企业" in page


def test_the_map_shows_gaps_and_counts_and_its_panel_lists_the_targets(app, client, world):
    chain_keeper(app, client, world)
    node_id = nodes(app)["原料"][0]
    with app.app_context():
        db.session.add(EnterpriseNode(enterprise_id=world.enterprise_id, node_id=node_id, role=NodeRole.TARGET))
        db.session.get(Project, world.project_id).chain_node_id = node_id
        db.session.commit()
    page = client.get(f"/chains/{world.chain_id}/map").get_data(as_text=True)
    assert 'class="map-node gap-fill"' in page and 'data-name="原料"' in page
    assert "本地0 目标1 · 谈0 签1 开0 产0" in page
    panel = client.get(f"/chains/{world.chain_id}/nodes/{node_id}?panel=1").get_data(as_text=True)
    assert "<html" not in panel and "甲市示例企业有限公司" in panel and "甲园区示例项目" in panel

    catalogue = openpyxl.load_workbook(io.BytesIO(client.get(f"/chains/{world.chain_id}/catalogue.xlsx").data)).active
    assert catalogue["A1"].value == "招商目录（测试产业链）" and catalogue.print_title_rows == "$1:$4"  # to print
    assert (catalogue["A3"].value, catalogue["F3"].value, catalogue["F4"].value) == ("短板环节", "目标企业", "目标企业")
    assert [c.value for c in catalogue[5]][:6] == ["测试产业链", "上游", "原料", "补链", None, "甲市示例企业有限公司"]
    b_client = app.test_client()
    chain_keeper(app, b_client, world, unit="b_unit_id")
    assert b_client.get(f"/chains/{world.chain_id}/catalogue.xlsx").status_code == 404
    whole = openpyxl.load_workbook(io.BytesIO(b_client.get("/chains/catalogue.xlsx").data)).active
    assert whole.max_row == 4  # the title and headers only: 乙市 sees no chain of 甲市


def test_the_dashboard_and_the_chain_page_show_this_years_chain_figures(app, client, world):
    with app.app_context():
        node_id = nodes(app)["原料"][0]
        project = db.session.get(Project, world.project_id)  # 在谈 2026-01-10, 签约 2026-02-01
        project.chain_node_id = node_id
        db.session.add(StageEvent(project=project, stage=Stage.STARTED, effective_on=date.today(),
                                  review_status=ReviewStatus.APPROVED))
        db.session.flush()
        derive(project, project.stage_events)
        db.session.commit()
    chain_keeper(app, client, world)
    dashboard = client.get("/").get_data(as_text=True)
    table = dashboard[dashboard.index('data-testid="chain-figures"'):]
    row = table[table.index("测试产业链"):]
    row = row[:row.index("</tr>")]
    assert [cell.split("</a>")[0].rsplit(">", 1)[1] for cell in row.split('<td class="num">')[1:]] == [
        "1", "10,000.00", "1", "10,000.00", "0", "0.00"]
    page = client.get(f"/chains/{world.chain_id}").get_data(as_text=True)
    assert "本年项目" in page and "签约 1" not in page  # the node shows the current stage: 开工
    assert re.search(r'开工 <a class="drill" href="/projects/\?node_id=\d+&amp;stage=started" data-total="1">1</a>', page)


@pytest.mark.parametrize("url", ["/chains/{chain}", "/chains/{chain}/map", "/chains/{chain}/nodes/{node}",
                                 "/chains/{chain}/catalogue.xlsx", "/chains/{chain}/nodes.xlsx", "/chains/"])
def test_chain_pages_cost_a_fixed_number_of_queries(app, client, world, login, url):
    login(Role.ADMIN)
    counts = []
    for more in (2, 30):
        with app.app_context():
            chain = db.session.get(Chain, world.chain_id)
            top = chain.nodes[0]
            for n in range(more):
                node = ChainNode(chain=chain, parent=top if n % 2 else None, segment="upstream", name=f"环节{n}-{more}",
                                 gap=GapMark.FILL)
                db.session.add(node)
                enterprise = helpers.make_enterprise(world.a_unit_id)
                db.session.add(EnterpriseNode(enterprise_id=enterprise.id, node_id=top.id if n % 3 else node.id,
                                              role=NodeRole.TARGET))
                helpers.make_project(world.a_unit_id, chain_node_id=node.id, investor_id=enterprise.id)
            top_id = top.id
            db.session.commit()
        with counting(app) as statements:
            assert client.get(url.format(chain=world.chain_id, node=top_id)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
