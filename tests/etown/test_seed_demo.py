"""The demo county: built from the seeds, idempotent, refused without DEBUG."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from etown.models import Contract, County, ETown, Indicator, Membership, Task

pytestmark = pytest.mark.django_db


def counts():
    from django.contrib.auth import get_user_model

    return [
        m.objects.count() for m in (County, ETown, Contract, Task, Indicator, Membership, get_user_model())
    ] + [ETown.history.count(), Task.history.count(), Indicator.history.count()]


def test_it_builds_the_demo_county_from_the_seeds(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    etown = ETown.objects.get(name="临猗新城涑水e镇")
    # 004 §3: the targets, and §5: the thirteen task categories.
    targets = {i.name: (i.comparator, i.target) for i in etown.indicators.all()}
    assert targets["总投资额"] == ("gte", 20000) and targets["年总产值"] == ("gt", 15000)
    assert targets["年网络零售额"] == ("gte", 3000) and targets["带动就业"] == ("gte", 500)
    assert etown.tasks.values("category").distinct().count() == 13
    contract = etown.contracts.get()
    assert contract.retention_ratio == 10
    assert set(ETown.objects.values_list("name", flat=True)) >= {"安泽县连翘产业乡村e镇", "高平市智创互联乡村e镇"}
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "office": "office", "finance": "reviewer", "treasury": "reviewer", "leader": "leader", "agency": "agency",
        "contractor": "contractor", "contractor2": "contractor", "auditor": "auditor",
        "province": "leader", "city": "leader",  # 山西省商务厅 and 运城市商务局 (issue 16)
    }


def test_it_changes_nothing_when_run_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    before = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert counts() == before


def test_it_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="只能在 DEBUG 模式下运行"):
        call_command("seed_demo")
    assert ETown.objects.count() == 0


def test_it_gives_demo_users_the_documented_password(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    response = client.post("/accounts/login/", {"username": "contractor2", "password": "demo12345"})
    assert response.status_code == 302 and response["Location"] == "/"
