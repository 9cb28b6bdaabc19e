"""Real threads released together, for the tests of what must hold under concurrency."""

import threading

from django.db import connection


def run_together(count, work):
    """Run ``work(i)`` in ``count`` threads released at once; return each result or error."""
    start = threading.Barrier(count)
    results = [None] * count

    def runner(index):
        try:
            start.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results
