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
