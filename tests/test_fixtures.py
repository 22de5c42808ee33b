"""The demo world seeded once per module (tests/conftest.py) and the tests that commit
for real: such a test never runs inside the module's open transaction, even when it is
the next test of the same module (a file run alone, a ``-k`` selection). Inside it, a
backup of SQLite waited forever for the transaction to end."""
import pytest
from django.db import connection


def test_it_shares_the_module_world(demo):
    assert demo.etown.name == "临猗新城涑水e镇" and connection.in_atomic_block


@pytest.mark.django_db(transaction=True)
def test_it_commits_for_real_outside_the_module_world(demo):
    assert not connection.in_atomic_block
    assert demo.etown.name == "临猗新城涑水e镇"  # seeded for this test itself
