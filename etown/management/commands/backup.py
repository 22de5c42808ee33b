import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from etown.backups import BackupError, write_backup, write_backup_to_storage


class Command(BaseCommand):
    help = (
        "备份数据库（一个一致的快照：PostgreSQL 用 pg_dump，SQLite 用在线备份）和上传文件到一个文件，"
        "并写出校验文件 <文件>.sha256；设置 BACKUP_ENCRYPTION_KEY 时加密。每日由定时任务运行，恢复用 restore。"
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="备份文件路径，如 /backup/etown-2026-11-23.tar.gz")
        parser.add_argument("--storage", action="store_true",
                            help="target 为备份存储（STORAGES['backups']，如 S3）中的名称：先写临时文件再上传")

    def handle(self, *args, target, storage=False, **options):
        started = time.monotonic()
        write = write_backup_to_storage if storage else write_backup
        try:
            manifest = write(target, key=settings.BACKUP_ENCRYPTION_KEY or None)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(
            f"已备份数据库（{manifest['engine']}）及上传文件到 {target}"
            f"{'（已加密）' if manifest['encrypted'] else ''}，校验文件 {target}.sha256"
            f"（{time.monotonic() - started:.1f} 秒）"
        )
