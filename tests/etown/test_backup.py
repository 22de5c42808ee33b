"""Backups restore: records and uploaded files come back identical."""
import datetime
import hashlib
import time

import pytest
from django.db import connection
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from etown.models import Contract, ETown, StoredFile, Task
from etown.uploads import file_path, file_store

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_restores_a_backup_into_an_empty_database(demo, tmp_path, settings):
    stored = file_store(upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"), county=demo.linyi, etown=demo.etown, by=None)
    counts = (ETown.objects.count(), Contract.objects.count(), Task.objects.count(), ETown.history.count())
    target = tmp_path / "backup.tar.gz"
    call_command("backup", str(target), stdout=open("/dev/null", "w"))

    call_command("flush", "--noinput", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "restored"
    assert ETown.objects.count() == 0
    call_command("restore", str(target), stdout=open("/dev/null", "w"))

    assert (ETown.objects.count(), Contract.objects.count(), Task.objects.count(), ETown.history.count()) == counts
    restored = StoredFile.objects.get(pk=stored.pk)
    assert file_path(restored).read_bytes() == b"%PDF-1.4 test"


def test_it_refuses_to_restore_over_existing_data(demo, tmp_path):
    target = tmp_path / "b.tar.gz"
    call_command("backup", str(target), stdout=open("/dev/null", "w"))
    with pytest.raises(CommandError, match="不是空库"):
        call_command("restore", str(target))


# Issue 13: one consistent snapshot, streamed, with a checksum, optionally encrypted;
# exact timestamps; a backup taken while writes happen restores. ----------------------


def _backup(target):
    call_command("backup", str(target), stdout=open("/dev/null", "w"))


def test_it_keeps_exact_timestamps_and_writes_a_checksum(demo, tmp_path, settings):
    stored = file_store(upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"), county=demo.linyi, etown=demo.etown, by=None)
    StoredFile.objects.filter(pk=stored.pk).update(uploaded_at=datetime.datetime(2026, 11, 3, 8, 9, 10, 123456,
                                                                                  tzinfo=datetime.timezone.utc))
    target = tmp_path / "backup.tar.gz"
    _backup(target)
    assert (tmp_path / "backup.tar.gz.sha256").read_text().split()[0] == hashlib.sha256(target.read_bytes()).hexdigest()

    call_command("flush", "--noinput", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "restored"
    call_command("restore", str(target), stdout=open("/dev/null", "w"))
    assert StoredFile.objects.get(pk=stored.pk).uploaded_at.microsecond == 123456


def test_it_refuses_to_restore_a_backup_that_fails_its_checksum(demo, tmp_path):
    target = tmp_path / "backup.tar.gz"
    _backup(target)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    call_command("flush", "--noinput", verbosity=0)
    with pytest.raises(CommandError, match="校验失败"):
        call_command("restore", str(target))
    assert ETown.objects.count() == 0  # nothing was touched
    (tmp_path / "backup.tar.gz.sha256").unlink()
    with pytest.raises(CommandError, match="缺少校验文件"):
        call_command("restore", str(target))


def test_it_encrypts_with_the_key_from_the_environment(demo, tmp_path, settings):
    from cryptography.fernet import Fernet

    from etown.backups import MAGIC

    key = Fernet.generate_key().decode()
    settings.BACKUP_ENCRYPTION_KEY = key
    etowns = ETown.objects.count()
    target = tmp_path / "backup.tar.gz"
    _backup(target)
    raw = target.read_bytes()
    assert raw.startswith(MAGIC) and b"manifest.json" not in raw and b"\x1f\x8b" != raw[:2]

    call_command("flush", "--noinput", verbosity=0)
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="密钥不同"):
        call_command("restore", str(target))
    settings.BACKUP_ENCRYPTION_KEY = ""
    with pytest.raises(CommandError, match="已加密"):
        call_command("restore", str(target))
    assert ETown.objects.count() == 0  # the refused restores changed nothing

    settings.BACKUP_ENCRYPTION_KEY = key  # with the right key it restores
    call_command("restore", str(target))
    assert ETown.objects.count() == etowns


@pytest.mark.skipif(connection.vendor != "postgresql", reason="writes from another connection during pg_dump: PostgreSQL")
def test_it_restores_a_backup_taken_while_letters_are_written(demo, tmp_path, settings):
    """While a thread keeps writing (a file row, then the record pointing at it, in one
    transaction each), the backup is one snapshot: every pointer has its row."""
    import threading

    from django.db import connections, transaction

    stop = threading.Event()
    written = []
    task_pk = demo.etown.tasks.first().pk

    errors = []

    def writer():
        try:
            while not stop.is_set():
                with transaction.atomic():
                    stored = file_store(upload=SimpleUploadedFile("l.pdf", b"%PDF-1.4 x"), county=demo.linyi,
                                        etown=demo.etown, by=None)
                    Task.objects.filter(pk=task_pk).update(title=f"任务{stored.pk}")
                written.append(stored.pk)
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while len(written) < 5 and not errors and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not errors and len(written) >= 5, errors
        _backup(tmp_path / "live.tar.gz")
    finally:
        stop.set()
        thread.join(30)
    call_command("flush", "--noinput", verbosity=0)
    call_command("restore", str(tmp_path / "live.tar.gz"), stdout=open("/dev/null", "w"))
    task = Task.objects.get(pk=task_pk)
    # The task names the last file committed before the snapshot: that file's row is there.
    assert task.title.startswith("任务") and StoredFile.objects.filter(pk=int(task.title[2:])).exists()
    assert StoredFile.objects.count() >= 5
