"""Requests per second under load: each page of ours beside the bare page (bench/bare_page.py)
in the same run, both served by gunicorn with the same settings, wrk driving 32 connections.
Runs alternate bare, ours, ours at fresh URLs, bare … and each figure is the median of its runs.

"ours" asks the same URL again and again, as a page refreshed or returned to: the app serves it as
kept (app/revision.py) while nothing changed. "fresh" adds a query parameter the page ignores and
that differs in every request, so every page is rendered anew (the figures behind it, counts
and choice lists, may still be kept): the cost of a first view.

    CRM_DATABASE_URL=postgresql+psycopg://…/crm_bench .venv/bin/python bench/throughput.py \
        [--seconds 10] [--rounds 3] [--workers 2] [--connections 32] [--user manager]

The database holds `flask seed synthetic` data (and the demo users it loads); logged in as the
demo province manager unless --user says otherwise. Needs wrk (Debian's package).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AGENT = "bench-throughput"

from tests.helpers import free_port  # noqa: E402

PAGES = {
    "驾驶舱 (dashboard)": "/",
    "enterprise list": "/enterprises/",
    "2-character enterprise search (苏州)": "/enterprises/?q=%E8%8B%8F%E5%B7%9E",
    "project list": "/projects/",
    "project page": "/projects/{project}",
}


def serve(target: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, CRM_SECURE_COOKIES="false")
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", target], cwd=ROOT, env=env)
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=10, allow_redirects=False)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{target} did not start")


def login(base: str, username: str, password: str) -> str:
    session = requests.Session()
    session.headers["User-Agent"] = AGENT  # the session is bound to it (Flask-Login's strong protection)
    page = session.get(f"{base}/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(f"{base}/auth/login", data={"csrf_token": token, "username": username,
                                                        "password": password}, allow_redirects=False)
    assert response.status_code == 302, "login failed"
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


# Every request at a URL of its own: an ignored parameter with a random value.
FRESH = """request = function()
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "fresh=" .. math.random(1, 1000000000))
end
"""


def wrk(url: str, seconds: int, connections: int, cookie: str | None = None, fresh: bool = False) -> float:
    status = requests.get(url, headers={"Cookie": cookie or "", "User-Agent": AGENT}, allow_redirects=False).status_code
    if status != 200:
        raise SystemExit(f"{url}: {status}")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"User-Agent: {AGENT}", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if fresh:
            script.write(FRESH)
            script.flush()
            command[1:1] = ["-s", script.name]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"{url}: responses other than 200\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def first_project(base: str, cookie: str) -> int:
    page = requests.get(f"{base}/projects/", headers={"Cookie": cookie, "User-Agent": AGENT}).text
    return int(re.search(r'href="/projects/(\d+)"', page).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--user", default="manager")
    parser.add_argument("--password", default="Zhaoshang@2026")
    args = parser.parse_args()
    ours_port, bare_port = free_port(), free_port()
    servers = [serve("wsgi:app", ours_port, args.workers), serve("bench.bare_page:app", bare_port, args.workers)]
    try:
        base, bare = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{bare_port}/"
        cookie = login(base, args.user, args.password)
        project = first_project(base, cookie)
        print(f"{args.workers} gunicorn workers, {args.connections} connections, {args.seconds} s a run, "
              f"{args.rounds} rounds; req/s, medians")
        print(f"{'page':40} {'bare':>8} {'ours':>8} {'ratio':>6} {'fresh':>8} {'ratio':>6}")
        for label, path in PAGES.items():
            url = base + path.format(project=project)
            baseline, ours, fresh = [], [], []
            for _ in range(args.rounds):
                baseline.append(wrk(bare, args.seconds, args.connections))
                ours.append(wrk(url, args.seconds, args.connections, cookie))
                fresh.append(wrk(url, args.seconds, args.connections, cookie, fresh=True))
            theirs, mine, first = (statistics.median(runs) for runs in (baseline, ours, fresh))
            print(f"{label:40} {theirs:8.1f} {mine:8.1f} {mine / theirs:6.2f} {first:8.1f} {first / theirs:6.2f}",
                  flush=True)
    finally:
        for server in servers:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
