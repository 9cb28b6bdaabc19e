"""What the fleet's monitoring sees: each app server's /metrics and /readyz.

The script reads them as Prometheus and a deployment would, straight from each
app server (not through the balancer), from 127.0.0.1, the fleet's
``METRICS_ALLOWED_ADDRESSES``.
"""

import requests
from prometheus_client.parser import text_string_to_metric_families

OUTSIDE = "203.0.113.9"


def ready(port: int) -> tuple[int, list[str]]:
    """/readyz's status and the parts it names as failed (``["no answer"]`` if none came)."""
    try:
        response = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
    except requests.RequestException:
        return 0, ["no answer"]
    return response.status_code, response.json().get("failed", [])


def scrape(port: int) -> list:
    """Every sample on the app server's /metrics."""
    response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    response.raise_for_status()
    return [
        sample
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    ]


def hidden_from_outside(balancer_port: int) -> bool:
    """Return True if a client outside, coming through the balancer, is told there is none."""
    response = requests.get(
        f"http://127.0.0.1:{balancer_port}/metrics",
        headers={"X-Forwarded-For": OUTSIDE},
        timeout=5,
    )
    return response.status_code == 404


def _total(samples, name, **labels) -> float:
    return sum(
        s.value
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def figures(ports: dict[str, int]) -> dict:
    """What the scrapes say, for the report: per server, then what the database holds."""
    scraped = {server: scrape(port) for server, port in ports.items()}
    shown = {}
    for server, samples in scraped.items():
        counted = _total(samples, "secondshot_request_duration_seconds_count")
        errors = sum(
            s.value
            for s in samples
            if s.name == "secondshot_request_duration_seconds_count"
            and s.labels["status"].startswith("5")
        )
        shown[f"{server}: requests counted (since it started)"] = int(counted)
        shown[f"  {server}: of them answered 5xx (503 busy)"] = int(errors)
    refusals: dict[str, float] = {}
    for samples in scraped.values():
        for s in samples:
            if s.name == "secondshot_refusals_total":
                refusals[s.labels["code"]] = refusals.get(s.labels["code"], 0) + s.value
    shown["refusals, both servers"] = int(sum(refusals.values()))
    shown |= {f"  {code}": int(n) for code, n in sorted(refusals.items())}
    # Read from the database: every server says the same; the first one's is shown.
    samples = next(iter(scraped.values()))
    shown["bookings made (database)"] = int(_total(samples, "secondshot_bookings_made_total"))
    shown["reminders sent (database)"] = int(_total(samples, "secondshot_reminders_sent_total"))
    shown["task queue depth"] = int(_total(samples, "secondshot_tasks_queued"))
    shown["oldest queued task, seconds"] = round(
        _total(samples, "secondshot_oldest_queued_task_age_seconds"), 1
    )
    return shown
