"""Backups restore: records and uploaded files come back identical."""
import pytest
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
