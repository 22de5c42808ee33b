"""Backups from one consistent snapshot (issue 13), streamed to disk, with a checksum,
optionally encrypted; used by ``manage.py backup`` / ``restore`` and the daily task.

- The database comes from ONE snapshot: ``pg_dump`` (custom format; a single
  repeatable-read transaction) for PostgreSQL; SQLite's online backup API (one read
  transaction, page by page) for SQLite. Values are the database's own: timestamps keep
  their microseconds (the old ``dumpdata`` JSON cut them to milliseconds).
- Nothing is held in memory: the dump is written to a file beside the target, the
  archive (tar.gz: manifest.json, the dump, uploads/) is streamed, encryption works in
  1 MiB chunks.
- The archive carries a checksum: ``<target>.sha256`` (sha256sum format) of the file as
  written; ``restore`` verifies it before touching anything.
- With object storage (issue 16) the uploads are read from the bucket into the archive
  and written back to it on restore; ``--storage`` writes and reads the backup itself in
  ``STORAGES["backups"]`` (through a temporary file on this node).
- With ``BACKUP_ENCRYPTION_KEY`` (a Fernet key) the file is a sequence of Fernet tokens,
  one per chunk (each authenticated), behind the magic line ``ETOWN-BACKUP-FERNET-1``.
"""
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from . import filestore

MAGIC = b"ETOWN-BACKUP-FERNET-1\n"
CHUNK = 1024 * 1024
DB_MEMBER = {"postgresql": "db.pgdump", "sqlite": "db.sqlite3"}


class BackupError(Exception):
    pass


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(target):
    return Path(f"{target}.sha256")


def _fernet(key):
    from cryptography.fernet import Fernet

    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError) as error:
        raise BackupError(f"BACKUP_ENCRYPTION_KEY 无效（须为 Fernet 密钥）：{error}")


def _pg_env(alias="default"):
    db = settings.DATABASES[alias]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args, connections[alias].settings_dict["NAME"]


def dump_database(path):
    """Write one consistent snapshot of the database to ``path``; returns the engine."""
    vendor = connection.vendor
    if vendor == "postgresql":
        env, args, name = _pg_env()
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(path), *args, name],
            env=env, capture_output=True, text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
        return vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(str(path))
        try:
            connection.connection.backup(target)  # one read transaction per step; retried on change
        finally:
            target.close()
        return vendor
    raise BackupError(f"不支持的数据库类型：{vendor}")


def load_database(path, vendor):
    """Replace the database's content with the snapshot at ``path``."""
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor} 数据库，当前为 {connection.vendor}：请在同类数据库上恢复。")
    if vendor == "postgresql":
        connections.close_all()
        env, args, name = _pg_env()
        result = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", *args, "-d", name, str(path)],
            env=env, capture_output=True, text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
        return
    connection.ensure_connection()
    source = sqlite3.connect(str(path))
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def write_backup(target, *, key=None, media_root=None):
    """Write the backup archive to ``target`` and its checksum beside it. Returns the
    manifest (dict)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    media = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        work = Path(work)
        dump = work / "dump"
        vendor = dump_database(dump)
        manifest = {
            "format": 2,
            "engine": vendor,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "database": DB_MEMBER[vendor],
            "database_sha256": sha256_file(dump),
            "encrypted": bool(key),
        }
        raw = json.dumps(manifest, ensure_ascii=False).encode()
        archive = work / "archive.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            (work / "manifest.json").write_bytes(raw)
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=DB_MEMBER[vendor])
            if media_root or filestore.is_local():
                if media.exists():
                    tar.add(media, arcname="uploads", filter=lambda info: None if info.name.endswith(".part") else info)
            else:
                _add_stored_files(tar)
        partial = target.with_name(target.name + ".part")
        if key:
            fernet = _fernet(key)
            with open(archive, "rb") as source, open(partial, "wb") as out:
                out.write(MAGIC)
                for block in iter(lambda: source.read(CHUNK), b""):
                    token = fernet.encrypt(block)
                    out.write(struct.pack(">I", len(token)))
                    out.write(token)
        else:
            shutil.move(archive, partial)
        digest = sha256_file(partial)
        os.replace(partial, target)
        checksum_path(target).write_text(f"{digest}  {target.name}\n", encoding="utf-8")
    return manifest


def verify(source):
    """Check the archive against its checksum file; raise BackupError when it differs."""
    source = Path(source)
    sidecar = checksum_path(source)
    if not sidecar.exists():
        raise BackupError(f"缺少校验文件 {sidecar.name}：无法确认备份完整，已停止恢复。")
    expected = sidecar.read_text(encoding="utf-8").split()[0]
    actual = sha256_file(source)
    if actual != expected:
        raise BackupError("备份文件校验失败（SHA-256 不符）：文件已损坏或被改动，已停止恢复。")
    return actual


def _decrypt(source, out_path, key):
    from cryptography.fernet import InvalidToken

    fernet = _fernet(key)
    with open(source, "rb") as handle, open(out_path, "wb") as out:
        handle.read(len(MAGIC))
        while header := handle.read(4):
            (size,) = struct.unpack(">I", header)
            try:
                out.write(fernet.decrypt(handle.read(size)))
            except InvalidToken:
                raise BackupError("无法解密备份：BACKUP_ENCRYPTION_KEY 与备份时的密钥不同。")


def read_backup(source, *, key=None, media_root=None):
    """Verify, (decrypt,) and restore ``source``: the database and the uploaded files."""
    verify(source)
    with open(source, "rb") as handle:
        encrypted = handle.read(len(MAGIC)) == MAGIC
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        archive = Path(source)
        if encrypted:
            if not key:
                raise BackupError("备份已加密：请设置 BACKUP_ENCRYPTION_KEY 后再恢复。")
            archive = work / "archive.tar.gz"
            _decrypt(source, archive, key)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work / "x", filter="data")
        root = work / "x"
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        dump = root / manifest["database"]
        if sha256_file(dump) != manifest["database_sha256"]:
            raise BackupError("数据库备份校验失败：已停止恢复。")
        load_database(dump, manifest["engine"])
        uploads = root / "uploads"
        if uploads.exists():
            if media_root or filestore.is_local():
                shutil.copytree(uploads, Path(media_root or settings.MEDIA_ROOT), dirs_exist_ok=True)
            else:
                _restore_stored_files(uploads)
    return manifest


# Object storage (issue 16): with S3 the uploaded files (and dossiers, exports) live in the
# bucket, and the backups themselves go to STORAGES["backups"]. ------------------------------


def _add_stored_files(tar):
    """Every file of the default storage into the archive under uploads/, one object at
    a time (django-storages spools each to a temporary file, never the whole set)."""
    for name in filestore.walk():
        if name.endswith(".part"):
            continue
        info = tarfile.TarInfo(f"uploads/{name}")
        info.size = filestore.size(name)
        with filestore.open_file(name) as handle:
            tar.addfile(info, handle)


def _restore_stored_files(folder):
    """Put the archive's files back into the default storage under their own names."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            name = path.relative_to(folder).as_posix()
            filestore.delete(name)  # the storage never overwrites: the name must be free
            filestore.store_path(name, path)


def write_backup_to_storage(name, *, key=None, alias="backups"):
    """``write_backup`` to a temporary file on this node, then upload it and its checksum
    to the backups storage under ``name`` (an existing backup of that name is replaced).
    Returns the manifest."""
    if not filestore.has_storage(alias):
        raise BackupError("未配置备份存储（STORAGES['backups']，设置 S3_BUCKET 后启用）。")
    with tempfile.TemporaryDirectory(prefix="etown-backup-") as work:
        local = Path(work) / Path(name).name
        manifest = write_backup(local, key=key)
        for suffix, path in (("", local), (".sha256", checksum_path(local))):
            filestore.delete(f"{name}{suffix}", alias=alias)
            filestore.store_path(f"{name}{suffix}", path, alias=alias)
    return manifest


def prune_stored_backups(cutoff, *, alias="backups"):
    """Delete the daily backups (``etown-YYYY-MM-DD.tar.gz`` and checksums) older than
    ``cutoff`` from the backups storage; returns how many."""
    count = 0
    for name in list(filestore.walk(alias=alias)):
        try:
            day = datetime.date.fromisoformat(Path(name).name[6:16])
        except ValueError:
            continue
        if Path(name).name.startswith("etown-") and day < cutoff:
            filestore.delete(name, alias=alias)
            count += 1
    return count


def read_backup_from_storage(name, *, key=None, alias="backups"):
    """Download ``name`` and its checksum from the backups storage to a temporary folder
    and restore it (``read_backup``: the checksum is verified first)."""
    if not filestore.has_storage(alias):
        raise BackupError("未配置备份存储（STORAGES['backups']，设置 S3_BUCKET 后启用）。")
    if not filestore.exists(name, alias=alias):
        raise BackupError(f"备份存储中没有 {name}。")
    with tempfile.TemporaryDirectory(prefix="etown-restore-") as work:
        local = Path(work) / Path(name).name
        filestore.download(name, local, alias=alias)
        if filestore.exists(f"{name}.sha256", alias=alias):
            filestore.download(f"{name}.sha256", checksum_path(local), alias=alias)
        return read_backup(local, key=key)
