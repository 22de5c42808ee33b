from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from etown.backups import BackupError, read_backup, read_backup_from_storage
from etown.models import ETown


class Command(BaseCommand):
    help = "从 backup 生成的文件恢复数据库和上传文件：先核对校验文件（<文件>.sha256），再恢复到一个已迁移的空数据库。"

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("--force", action="store_true", help="数据库非空时也恢复（现有数据将被备份中的数据替换）")
        parser.add_argument("--storage", action="store_true",
                            help="source 为备份存储（STORAGES['backups']，如 S3）中的名称：先下载到临时文件")

    def handle(self, *args, source, force=False, storage=False, **options):
        if ETown.objects.exists() and not force:
            raise CommandError("目标数据库不是空库：请在新迁移的空库上恢复（或加 --force）。")
        try:
            read = read_backup_from_storage if storage else read_backup
            manifest = read(source, key=settings.BACKUP_ENCRYPTION_KEY or None)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(self.style.SUCCESS(f"已从 {source} 恢复（备份时间 {manifest['created']}）。"))
