from django.core.management.base import BaseCommand

from etown.models import AuditEvent
from etown.models.audit import MIN_RETENTION_DAYS


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS，至少六个月：网络安全法第二十一条）的安全审计日志。"

    def handle(self, *args, **options):
        removed = AuditEvent.objects.prune()
        self.stdout.write(f"已清理 {removed} 条超过保存期限的安全审计日志（保存期不少于 {MIN_RETENTION_DAYS} 天）。")
