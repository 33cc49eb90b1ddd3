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
