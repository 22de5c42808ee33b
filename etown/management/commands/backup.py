import io
import json
import tarfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "备份数据库（全部数据，与数据库类型无关）和上传文件到一个 .tar.gz 文件；每日由定时任务运行，恢复用 restore。"

    def add_arguments(self, parser):
        parser.add_argument("target", help="备份文件路径，如 /backup/etown-2026-11-23.tar.gz")

    def handle(self, *args, target, **options):
        started = time.monotonic()
        data = io.StringIO()
        # Sessions and the cache of lockouts are not worth restoring; contenttypes and
        # permissions are rebuilt by migrate, so they are left out to avoid clashes.
        call_command(
            "dumpdata", "--natural-foreign", "--natural-primary", "--exclude=contenttypes",
            "--exclude=auth.permission", "--exclude=sessions", "--exclude=admin.logentry", stdout=data,
        )
        payload = data.getvalue().encode()
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(target, "w:gz") as tar:
            info = tarfile.TarInfo("db.json")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
            manifest = {"created": time.strftime("%Y-%m-%d %H:%M:%S"), "records": len(json.loads(payload))}
            raw = json.dumps(manifest, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
            if media.exists():
                tar.add(media, arcname="uploads")
        self.stdout.write(f"已备份 {manifest['records']} 条记录及上传文件到 {target}（{time.monotonic() - started:.1f} 秒）")
