"""The one race helper of the suite: run calls in threads released at the same instant.

Used by the PostgreSQL-only concurrency tests (row locks): each call gets its own
database connection (one per thread), closed when it ends.
"""
import threading

from django.db import connections


def race(*calls, timeout=30):
    """Run ``calls`` in threads started together; return, in order, what each returned
    or the exception it raised (a loser's refusal is usually the point of the test)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001  (the outcome is what the test compares)
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes


def failed(outcome):
    return isinstance(outcome, Exception)
