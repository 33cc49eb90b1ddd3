"""The multi-node install, run for real on the loopback: PostgreSQL (the test database), an S3
server (moto's, standing in for MinIO), two app nodes (gunicorn) behind nginx, and two queue
workers. A user logs in, uploads a ledger, imports it and downloads a report, every request
through nginx, which hands them to both nodes in turn; one node and one worker are killed in the
middle of the import. Nothing is lost or written twice: the import ends committed with every row
once (re-committed by the user if the killed worker held it), as the README's production layout
promises. PostgreSQL only (the queue and the nodes share its database); needs nginx."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.models import Enterprise, ImportBatch
from app.models.enums import Role
from tests import helpers
from tests.helpers import free_port
from tests.helpers import wait_for
from tests.workbooks import simple

ROOT = Path(__file__).resolve().parents[1]
ROWS = 30_000
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TOKEN = r'name="csrf_token"[^>]*value="([^"]+)"'
pytestmark = [
    pytest.mark.skipif(not os.environ.get("CRM_TEST_DATABASE_URL", "").startswith("postgresql"),
                       reason="PostgreSQL only: the nodes and the queue share its database"),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="needs nginx"),
]

NGINX_CONF = """
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    client_max_body_size 25m;
    upstream nodes {{ server 127.0.0.1:{node_a}; server 127.0.0.1:{node_b}; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://nodes;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def listening(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/auth/login", timeout=5).status_code == 200
    except requests.RequestException:  # not up yet
        return False


def imported(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Enterprise).where(Enterprise.name.like("集群测试%")))


def cpu_seconds(process: subprocess.Popen) -> float:
    """The process's CPU time so far, its threads' (a worker's task runs in one) included."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def cluster(app, world, migrated, s3_endpoint, tmp_path):
    env = {**os.environ, "CRM_DATABASE_URL": migrated, "CRM_QUEUE_URL": migrated, "CRM_QUEUE_WORKERS": "0",
           "CRM_STORAGE_URL": f"s3://crm/cluster?endpoint={s3_endpoint}", "CRM_S3_ACCESS_KEY": "crm",
           "CRM_S3_SECRET_KEY": "crm-secret", "CRM_SECRET_KEY": "one-key-for-every-node", "CRM_SECURE_COOKIES": "false",
           "CRM_PROXY_COUNT": "1", "CRM_HEARTBEAT_STALE": "5"}
    ports = {"node_a": free_port(), "node_b": free_port(), "port": free_port()}
    processes = {}
    for node in ("node_a", "node_b"):
        processes[node] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{ports[node]}", "wsgi:app"], cwd=ROOT,
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for name in ("worker_1", "worker_2"):
        processes[name] = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--workers", "1"], cwd=ROOT, env=env,
            stdout=open(tmp_path / f"{name}.log", "w"), stderr=subprocess.STDOUT)
    try:
        for node in ("node_a", "node_b"):  # up before nginx, which would count a refused try against a node
            wait_for(lambda node=node: listening(ports[node]), what=node)
        # (a root master hands its workers to "nobody", who may not write the test's temporary folder)
        user = "user root;" if os.geteuid() == 0 else ""
        (tmp_path / "nginx.conf").write_text(NGINX_CONF.format(prefix=tmp_path, user=user, **ports))
        processes["nginx"] = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path),
                                               "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: listening(ports["port"]), what="nginx")
        yield f"http://127.0.0.1:{ports['port']}", processes, {f"127.0.0.1:{ports[n]}": n for n in ("node_a", "node_b")}
    finally:
        for process in processes.values():
            process.kill()
            process.wait()


def test_two_nodes_and_two_workers_survive_losing_one_of_each(app, world, cluster, tmp_path):
    base, processes, nodes = cluster
    with app.app_context():
        helpers.make_user(Role.OFFICER, world.a_unit_id, username="cluster")
        db.session.commit()
    browser, served = requests.Session(), []
    browser.hooks["response"].append(lambda answer, *args, **kwargs: served.append(answer.headers.get("X-Upstream")))

    def csrf(path: str) -> str:
        """The form's token from a page (loaded again if it met a node dying, as a user would)."""
        return wait_for(lambda: re.search(TOKEN, browser.get(f"{base}{path}").text), seconds=10, what=path)[1]

    assert browser.post(f"{base}/auth/login", data={"username": "cluster", "password": helpers.PASSWORD,
                                                    "csrf_token": csrf("/auth/login")}, allow_redirects=False).status_code == 302

    ledger = simple(tmp_path / "集群台账.xlsx", ["企业名称", "所在市"], [[f"集群测试{n:05d}有限公司", "太原"] for n in range(ROWS)])
    with open(ledger, "rb") as handle:
        sent = browser.post(f"{base}/imports/enterprises/upload", files={"file": (ledger.name, handle)},
                            data={"csrf_token": csrf("/imports/enterprises/upload")}, allow_redirects=False)
    assert sent.status_code == 302, (sent.status_code, sent.text[:2000])
    batch_id = int(sent.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    answers = []

    def progress() -> dict:
        """The batch's progress, as the page polls it (a poll that meets the moment a node dies —
        nginx's 502 — is polled again, as the page's script does)."""
        def poll():
            answers[:] = [browser.get(f"{base}/imports/{batch_id}/progress")]
            return answers[0].json() if answers[0].status_code == 200 else None

        try:
            return wait_for(poll, seconds=10, what="an answer")
        except AssertionError:
            raise AssertionError(f"no answer: {answers[0].status_code} {answers[0].text[:300]}") from None

    wait_for(lambda: progress()["status"] == "previewed", seconds=120, what="the preview")
    browser.post(f"{base}/imports/{batch_id}/commit", data={"csrf_token": csrf(f"/imports/{batch_id}")})
    wait_for(lambda: progress()["done"] > 0, seconds=60, what="the commit to start")
    before = {name: cpu_seconds(processes[name]) for name in ("worker_1", "worker_2")}
    time.sleep(0.5)
    busy = max(before, key=lambda name: cpu_seconds(processes[name]) - before[name])  # the one importing
    for name in (busy, "node_a"):  # mid-import: the worker at it, and one app node
        processes[name].send_signal(signal.SIGKILL)
        processes[name].wait()
    again, seen = [], []

    def finished():
        state = progress()
        seen[:] = [state]
        if state["status"] == "committing" and not state["alive"]:  # its worker died: nothing of it stayed
            assert imported(app) == 0
            browser.post(f"{base}/imports/{batch_id}/commit", data={"csrf_token": csrf(f"/imports/{batch_id}")})
            again.append(state["done"])
        return state["status"] == "committed"

    try:
        wait_for(finished, seconds=240, what="the import to finish on the other worker")
    except AssertionError as error:
        logs = {name: (tmp_path / f"{name}.log").read_text()[-1500:] for name in ("worker_1", "worker_2")}
        raise AssertionError(f"{error}: last {seen}, committed again at {again[:3]}, {imported(app)} rows; "
                             f"killed {busy}; the workers said {logs}") from None
    assert again, "the killed worker held the import; the user committed it again"
    assert imported(app) == ROWS  # every row once
    with app.app_context():
        assert db.session.get(ImportBatch, batch_id).file_path is None  # the upload let go from the bucket

    report = browser.get(f"{base}/reports/monthly.xlsx?month=2026-11")
    assert report.status_code == 200
    (tmp_path / "report.xlsx").write_bytes(report.content)
    assert load_workbook(tmp_path / "report.xlsx").sheetnames
    # nginx named the node that answered each request (after a failed try, both): the two took turns
    answered = [nodes.get(upstream.split(", ")[-1]) for upstream in served if upstream]
    assert answered.count("node_a") >= 3 and answered.count("node_b") >= 3, answered


def test_processes_started_at_once_all_get_the_queue(migrated):
    """A cluster's first start: every node and worker creates the queue's tables if missing, at
    the same moment; none may die of it."""
    from concurrent.futures import ThreadPoolExecutor

    from app.jobs import make_huey

    engine = sa.create_engine(migrated)
    for _ in range(5):  # the race is lost now and then, not every time: several first starts
        with engine.begin() as connection:
            for table in ("huey_kv", "huey_schedule", "huey_task", "huey_counter"):
                connection.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
        with ThreadPoolExecutor(8) as pool:
            made = list(pool.map(lambda _: make_huey({"QUEUE_URL": migrated}, "/tmp"), range(8)))
        assert len(made) == 8
    engine.dispose()
