import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from etown.models import ETown


class Command(BaseCommand):
    help = "从 backup 生成的文件恢复到一个已迁移的空数据库，并恢复上传文件。"

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("--force", action="store_true", help="数据库非空时也恢复（会与现有数据冲突时失败）")

    def handle(self, *args, source, force=False, **options):
        if ETown.objects.exists() and not force:
            raise CommandError("目标数据库不是空库：请在新迁移的空库上恢复（或加 --force）。")
        with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
            db_json = Path(tmp) / "db.json"
            if not db_json.exists():
                raise CommandError("备份文件中没有 db.json。")
            with transaction.atomic():
                call_command("loaddata", str(db_json), verbosity=0)
            uploads = Path(tmp) / "uploads"
            if uploads.exists():
                shutil.copytree(uploads, settings.MEDIA_ROOT, dirs_exist_ok=True)
        self.stdout.write(self.style.SUCCESS(f"已从 {source} 恢复。"))
