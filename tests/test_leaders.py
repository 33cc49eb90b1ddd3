"""包保: leaders in charge of enterprises and projects, shown where those are, with what they carry."""
import sqlalchemy as sa

from app.extensions import db
from app.models import Leader, LeaderLink, ProjectProblem
from tests import helpers


def test_a_leader_is_put_in_charge_shown_on_the_pages_and_lists_its_load_in_scope(app, client, world, login):
    login("manager", unit="a")
    assert client.post("/leaders/new", data={"name": "李局长", "post": "局长", "unit_id": world.a_unit_id,
                                             "is_active": "y"}).status_code == 302
    with app.app_context():
        leader_id = db.session.scalar(sa.select(Leader.id).where(Leader.name == "李局长"))
        far = helpers.make_enterprise(world.b_unit_id, "乙市企业").id
        b_leader = Leader(name="乙市领导", post="副市长", unit_id=world.b_unit_id)
        db.session.add(b_leader)
        db.session.commit()
        b_leader_id = b_leader.id
    page = f"/enterprises/{world.enterprise_id}"
    assert client.post("/leaders/links", data={"leader_id": leader_id, "enterprise_id": world.enterprise_id},
                       headers={"Referer": "http://localhost" + page}).status_code == 302
    again = client.post("/leaders/links", data={"leader_id": leader_id, "enterprise_id": world.enterprise_id},
                        follow_redirects=True)
    assert "李局长（局长）已是包保领导" in again.get_data(as_text=True)
    assert client.post("/leaders/links", data={"leader_id": b_leader_id, "enterprise_id": world.enterprise_id},
                       follow_redirects=True).status_code == 200  # a leader out of sight is refused …
    assert client.post("/leaders/links", data={"leader_id": leader_id, "enterprise_id": far}).status_code == 404  # … a record too
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LeaderLink)) == 2  # the world's and this one
    def in_charge(url):
        return client.get(url).get_data(as_text=True).split('data-testid="leaders-in-charge"')[1].split("<form")[0]

    assert "李局长（局长）" in in_charge(page)
    charge = client.get(f"/leaders/{leader_id}").get_data(as_text=True)
    # the enterprise, its project (through the investor) and that project's open problem
    assert "甲市示例企业有限公司" in charge and "甲园区示例项目" in charge and "用地指标不足" in charge
    other = app.test_client()
    login("officer", unit="b", client=other)
    assert other.get(f"/leaders/{leader_id}").status_code == 404
    with app.app_context():
        link_id = db.session.scalar(sa.select(LeaderLink.id).where(LeaderLink.leader_id == leader_id))
        db.session.execute(sa.update(ProjectProblem).values(status="closed"))
        db.session.commit()
    assert "用地指标不足" not in client.get(f"/leaders/{leader_id}").get_data(as_text=True)
    assert client.post(f"/leaders/links/{link_id}/remove").status_code == 302
    assert "李局长（局长）" not in in_charge(page)
