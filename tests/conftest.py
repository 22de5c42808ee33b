"""Shared fixtures. The personas follow the demo county (etown.demo.data):

- ``office``: 临猗县 office staff (head); ``finance``: department reviewer; ``treasury``: the finance
  bureau's payer (not its reviewer: 不相容岗位分离); ``leader``: leading group;
  ``auditor``: read-only; ``agency``: third-party agency assigned to 临猗新城涑水e镇;
- ``contractor``: contractor of 临猗新城涑水e镇 (``etown``);
- ``contractor2``: contractor of 临猗县电子商务进农村综合示范项目 (``other_etown``), the outsider;
- ``anze_office``: office staff of another county.
"""
import pytest
from django.contrib.auth import get_user_model

from etown import services
from etown.models import County, ETown, Organization


@pytest.fixture(autouse=True)
def _fast_and_eager(settings, tmp_path):
    # Argon2 is deliberately slow; tests don't need it. Uploads go to a temporary folder.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from etown.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def ensure_calendar():
    """The statutory calendar comes from a data migration; a transactional test's flush
    empties it, so put the years the tests use back when they are missing."""
    from etown.models import WorkCalendarYear
    from etown.workdays import seed_from_package

    if not WorkCalendarYear.objects.filter(year=2026).exists():
        seed_from_package(years=range(2024, 2027))


def _transactional(item):
    """Whether ``item`` commits for real (``transaction=True`` or a live server)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
                               or marker.kwargs.get("serialized_rollback")):
        return True
    return bool({"transactional_db", "live_server", "django_db_serialized_rollback"} & set(item.fixturenames))


class _World:
    """A module's demo world: ``open`` while its seeded transaction is."""

    open = False


_OPEN_WORLDS = []  # the rollbacks of the module worlds still open


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test that commits for real must not run inside a module's open world. pytest-django
    runs those tests after all the others, but when the last of the others was in the same
    module (one file run alone, a ``-k`` selection, and every file of a parallel run,
    where such tests end each file rather than the run), that module's world is still
    open: roll it back first. The ``demo`` fixture seeds for each such test; a later
    file's ordinary tests open a world of their own."""
    if _transactional(item):
        while _OPEN_WORLDS:
            _OPEN_WORLDS.pop()()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test that commits for real ends with a flush, which empties the statutory
    calendar the data migration seeded: put it back for the tests that follow in this
    process. pytest-django runs such tests after all the others, but in a parallel run
    (``make test``: pytest-xdist, a file at a time per worker) they come at the end of
    each file, and a later file's test that reads the calendar without the ``demo``
    fixture would fall back to Monday–Friday. After the last test there is no database
    left to put it in (the session's teardown has dropped it)."""
    yield
    if _transactional(item) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            ensure_calendar()


@pytest.fixture(scope="module")
def _demo_world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo county, seeded once per test module (Django's ``setUpTestData`` pattern):
    the seed runs in a transaction that stays open while the module's tests run, each test
    runs in a savepoint inside it (pytest-django's ``db``), and the whole is rolled back
    when the module is done. Seeding per test cost most of the suite's time.

    A test that commits for real (``transaction=True``, a live server) cannot run inside
    an open transaction: pytest-django runs those after the others (of the run, or of
    the file in a parallel run), the world is rolled back before the first of them
    (``pytest_runtest_setup``) and the ``demo``
    fixture seeds for each of them instead. Yields the ``_World``."""
    from django.db import transaction
    from django.test.utils import override_settings

    world = _World()
    if _transactional(request._pyfuncitem):
        yield world
        return
    from etown.celery import app
    from etown.management.commands.seed_demo import seed

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        world.open = True

        def close():
            if world.open:
                world.open = False
                with django_db_blocker.unblock():
                    transaction.set_rollback(True)
                    atomic.__exit__(None, None, None)

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                                   MEDIA_ROOT=tmp_path_factory.mktemp("demo-uploads")):
                seed(with_apps=False)
                ensure_calendar()
        except BaseException:
            close()
            raise
        finally:
            app.conf.task_always_eager = eager
    _OPEN_WORLDS.append(close)
    yield world
    if close in _OPEN_WORLDS:
        _OPEN_WORLDS.remove(close)
    close()


@pytest.fixture
def demo(_demo_world, db):
    """The whole demo county (registry only); returns a namespace of its users and
    e-towns, read afresh for every test (the rows are shared by the module's tests, the
    objects are not)."""
    if not _demo_world.open:
        from etown.management.commands.seed_demo import seed

        seed(with_apps=False)
        ensure_calendar()
    User = get_user_model()

    class Demo:
        pass

    d = Demo()
    for name in ("office", "finance", "treasury", "leader", "agency", "contractor", "contractor2", "auditor"):
        setattr(d, name, User.objects.get(username=name))
    d.linyi = County.objects.get(name="临猗县")
    d.etown = ETown.objects.get(name="临猗新城涑水e镇")
    d.other_etown = ETown.objects.get(name="临猗县电子商务进农村综合示范项目")
    d.anze_etown = ETown.objects.get(name="安泽县连翘产业乡村e镇")
    d.contract = d.etown.contracts.get()
    d.system = User.objects.get(username="system-seed")
    return d


@pytest.fixture
def anze_office(demo):
    User = get_user_model()
    user = User.objects.create_user("anze_office", password="x", first_name="安泽办公室")
    org = Organization.objects.get(name="安泽县工业和信息化局")
    services.membership_grant(user=user, role="office", county=demo.anze_etown.county, organization=org, by=demo.system)
    return user


@pytest.fixture
def second_contract(demo):
    """contractor2's company takes a second contract on demo.etown: two contractors on one
    e-town, as 004 附件2 第十一条 allows (issue 11's per-contract scoping)."""
    import datetime
    from decimal import Decimal

    org = Organization.objects.get(name="临猗县供销电商服务有限公司")
    return services.contract_create(
        etown=demo.etown, by=demo.office, contractor=org, number="LY-EZ-2026-02", title="农村物流站点建设合同",
        amount=Decimal("2000000"), signed_on=datetime.date(2026, 7, 1),
    )


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as user."""

    def make(user):
        from django.test import Client

        c = Client()
        c.force_login(user)
        return c

    return make
