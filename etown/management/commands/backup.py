import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from etown.backups import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "备份数据库（一个一致的快照：PostgreSQL 用 pg_dump，SQLite 用在线备份）和上传文件到一个文件，"
        "并写出校验文件 <文件>.sha256；设置 BACKUP_ENCRYPTION_KEY 时加密。每日由定时任务运行，恢复用 restore。"
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="备份文件路径，如 /backup/etown-2026-11-23.tar.gz")

    def handle(self, *args, target, **options):
        started = time.monotonic()
        try:
            manifest = write_backup(target, key=settings.BACKUP_ENCRYPTION_KEY or None)
        except BackupError as error:
            raise CommandError(str(error))
        self.stdout.write(
            f"已备份数据库（{manifest['engine']}）及上传文件到 {target}"
            f"{'（已加密）' if manifest['encrypted'] else ''}，校验文件 {target}.sha256"
            f"（{time.monotonic() - started:.1f} 秒）"
        )
