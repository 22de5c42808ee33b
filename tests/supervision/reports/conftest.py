"""Fixtures of the monthly-report tests (the helpers are in support.py)."""
import pytest

from .support import pin_today


@pytest.fixture
def today(monkeypatch):
    return pin_today(monkeypatch)
