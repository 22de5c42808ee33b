"""Benchmarks: ``make bench`` (or ``python -m bench [NAME ...]``) runs the ``main()`` of
every ``bench/bench_*.py`` in turn; each prints its own figures.

A benchmark that needs Django calls :func:`setup_django` first. Benchmarks run on this
machine's size (2 cores): keep each one bounded in rows and seconds, and send traffic
only to 127.0.0.1.
"""
import os

_django_ready = False


def setup_django(debug: bool = True) -> None:
    """Configure Django once (settings from the environment, DEBUG on unless asked)."""
    global _django_ready
    if _django_ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etown.settings")
    os.environ.setdefault("DEBUG", "1" if debug else "0")
    import django

    django.setup()
    _django_ready = True
