"""What the bench scripts share: percentiles, and timing requests with their query counts."""
import time


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def timed(client, url, n, statements):
    """``n`` GETs of ``url`` (a path, or a function giving one); each one's ms and SQL statements."""
    times, counts = [], []
    for _ in range(n):
        before = len(statements)
        started = time.perf_counter()
        response = client.get(url() if callable(url) else url)
        times.append((time.perf_counter() - started) * 1000)
        counts.append(len(statements) - before)
        assert response.status_code == 200, (url, response.status_code)
    return times, counts


def served_app():
    """The app as served (wsgi: the garbage collector settled after start-up), logins without CSRF,
    a no-op view at /bench-noop for the baseline, and the list every SQL statement is counted in."""
    from sqlalchemy import event

    from app.extensions import db
    from wsgi import app

    app.config["WTF_CSRF_ENABLED"] = False
    app.add_url_rule("/bench-noop", "bench_noop", lambda: "ok")
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    return app, statements


def bare_sql(sql, n):
    """``n`` runs of ``sql`` on the driver alone (a raw connection from the app's engine), in ms."""
    from app.extensions import db

    raw = db.engine.raw_connection()
    cursor, times = raw.cursor(), []
    for _ in range(n):
        started = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        times.append((time.perf_counter() - started) * 1000)
    raw.close()
    return times


def print_line(label, times, counts=None, width=48):
    import statistics

    queries = f"{min(counts)}–{max(counts):<5}" if counts else ""
    print(f"{label:{width}} {statistics.median(times):7.1f} {percentile(times, .95):7.1f} {queries}")


def print_pages(app, statements, pages, n, width=48, usernames=("manager", "officer")):
    """For each user (by default the demo manager, root unit, and the demo officer, 大同市): a no-op
    view as the baseline, then each page of ``pages`` (label → function giving a URL): p50, p95 and
    queries per request."""
    from app.seed.demo import DEMO_PASSWORD

    print(f"{'page':{width}} {'p50':>7} {'p95':>7} {'queries':>8}")
    for username in usernames:
        client = app.test_client()
        client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
        print_line(f"no-op Flask view ({username})", timed(client, lambda: "/bench-noop", n, statements)[0],
                   width=width)
        for label, url in pages.items():
            print_line(f"{label} ({username})", *timed(client, url, n, statements), width=width)
