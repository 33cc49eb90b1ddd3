"""Every figure that links to a list equals that list's total: the 驾驶舱, 报表, 产业链, 目标任务 and 招商活动 pages' counts, sums
of 协议投资 and funds in place, by approved records and with pending ones, for a manager and an officer."""
import html
import re

import pytest

from app.seed.demo import DEMO_PASSWORD

DRILL = re.compile(r'<a class="drill" href="([^"]+)" data-(total|agreed|funds)="([^"]+)"[^>]*>([^<]*)</a>')
LISTED = {"total": "list-total", "agreed": "list-agreed", "funds": "list-funds"}


def _figures(page: str) -> list[tuple[str, str, str, str]]:
    return [(html.unescape(url), kind, value, shown) for url, kind, value, shown in DRILL.findall(page)]


@pytest.mark.parametrize("username", ["manager", "officer"])
def test_every_linked_figure_equals_the_list_it_opens(app, client, runner, username):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
    seen = []
    chain = re.search(r'href="/chains/(\d+)"', client.get("/chains/").get_data(as_text=True))[1]
    for page in ("/", "/?pending=1", "/reports/", "/reports/?pending=1", "/chains/", "/projects/targets",
                 f"/chains/{chain}", "/events/"):
        figures = _figures(client.get(page).get_data(as_text=True))
        assert figures or page in ("/projects/targets", f"/chains/{chain}", "/events/"), page  # an officer's may have none
        seen += figures
        for url, kind, value, shown in figures:
            assert shown.replace(",", "") == value, (page, url)  # the figure shown is the one linked
            listed = client.get(url).get_data(as_text=True)
            assert re.search(rf'data-testid="{LISTED[kind]}">([\d,.]+)<', listed)[1].replace(",", "") == value, (page, url)
    assert any(url.startswith("/events/") for url, *_ in seen)  # 招商活动场次, per unit and against targets
    assert len(seen) >= 40 and {kind for _url, kind, value, _shown in seen if value not in ("0", "0.00")} == set(LISTED)
