"""Files the portal writes itself (issue 16, “only uploads go to S3”): dossiers' ZIPs,
backups and the other outputs of background jobs go through Django's storage API like
uploads do (etown.uploads), so several web and worker nodes share them.

``STORAGES["default"]`` is the local folder MEDIA_ROOT (the embedded default) or
S3-compatible object storage when ``S3_BUCKET`` is set; ``STORAGES["backups"]``, when
configured (S3_BUCKET again, under S3_BACKUP_PREFIX), takes the backups. Every function
streams: a file is written from an open handle chunk by chunk (S3: a multipart upload),
never read whole into memory."""
from pathlib import Path

from django.core.files import File


def storage(alias="default"):
    from django.core.files.storage import storages

    return storages[alias]


def is_local(alias="default"):
    from django.core.files.storage import FileSystemStorage

    return isinstance(storage(alias), FileSystemStorage)


def has_storage(alias):
    from django.conf import settings

    return alias in settings.STORAGES


def store_path(name, path, *, alias="default"):
    """Upload the local file ``path`` under ``name`` (a relative POSIX name chosen by the
    server); returns the name the storage kept (a name already taken is never
    overwritten: the storage picks another)."""
    with open(path, "rb") as handle:
        return storage(alias).save(Path(name).as_posix(), File(handle, name=Path(name).name))


def open_file(name, *, alias="default"):
    return storage(alias).open(name, "rb")


def exists(name, *, alias="default"):
    return bool(name) and storage(alias).exists(name)


def size(name, *, alias="default"):
    return storage(alias).size(name)


def delete(name, *, alias="default"):
    """Delete ``name`` wherever it is kept; a name already gone is no error."""
    if name:
        storage(alias).delete(name)


def download(name, target, *, alias="default"):
    """Copy ``name`` from the storage to the local path ``target`` in chunks."""
    with open_file(name, alias=alias) as source, open(target, "wb") as out:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            out.write(chunk)
    return Path(target)


def walk(*, alias="default", folder=""):
    """Every file name under ``folder`` of the storage (recursively)."""
    store = storage(alias)
    try:
        folders, files = store.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from walk(alias=alias, folder=f"{folder}/{sub}" if folder else sub)
