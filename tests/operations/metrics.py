"""Reading /metrics as Prometheus does, in tests."""

from prometheus_client.parser import text_string_to_metric_families


def scrape(client, **extra) -> dict:
    """Every sample on /metrics by (name, labels), from an address allowed to read it."""
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def figure(samples: dict, name: str, **labels) -> float:
    """One sample's value; 0 when it is not there yet (a counter not yet counted)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0)
