"""In-app notifications and the record that makes every reminder go out once."""
from django.conf import settings
from django.db import models


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    kind = models.CharField("类别", max_length=50, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.title


class Reminder(models.Model):
    """One row per reminder sent. The unique key is written before anything is sent, so
    a sweep that runs twice (or two workers at once) sends nothing twice."""

    item_type = models.CharField("事项类型", max_length=50)
    item_id = models.PositiveBigIntegerField("事项编号")
    kind = models.CharField("提醒类别", max_length=50, help_text="如 due_soon、overdue。")
    due_date = models.DateField("期限")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)
    recipients = models.PositiveIntegerField("接收人数", default=0)
    # The sweep run that inserted the row (issue 16): a sweep inserts its keys in one
    # statement that skips those sent before, then reads back the rows of its own batch.
    batch = models.CharField("批次", max_length=32, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "提醒记录"
        constraints = [
            models.UniqueConstraint(fields=["item_type", "item_id", "kind", "due_date"], name="reminder_once")
        ]

    def __str__(self):
        return f"{self.item_type}#{self.item_id} {self.kind} {self.due_date}"
