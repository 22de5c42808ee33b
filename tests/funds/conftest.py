"""Funds tests run with only the hub checks they register themselves: the checks of
supervision and acceptance are tested by those apps and depend on their data."""
import pytest

from .helpers import only_checks


@pytest.fixture(autouse=True)
def _funds_hub():
    with only_checks():
        yield
