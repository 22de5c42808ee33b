"""Security audit log (等保 2.0): sign-ins, failures, sign-outs and refused access.

Append-only: no service edits or deletes a row, and the admin is read-only. Record
changes themselves are in the django-simple-history tables.
"""
from django.conf import settings
from django.db import models


# 网络安全法 第二十一条（三）: network logs are kept for no less than six months.
MIN_RETENTION_DAYS = 183


class ImmutableAuditError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    """No update or delete through the ORM (issue 14): the only removal is ``prune``,
    of rows older than the retention period (never younger than six months)."""

    def update(self, **kwargs):
        raise ImmutableAuditError("安全审计日志不能修改。")

    def delete(self):
        raise ImmutableAuditError("安全审计日志不能删除，过期记录由 prune_audit 清理。")

    def prune(self, *, now=None):
        from datetime import timedelta

        from django.utils import timezone

        days = max(MIN_RETENTION_DAYS, getattr(settings, "AUDIT_RETENTION_DAYS", 365))
        cutoff = (now or timezone.now()) - timedelta(days=days)
        old = models.QuerySet(model=self.model, using=self.db).filter(at__lt=cutoff)
        return old._raw_delete(old.db)


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", "登录成功"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出登录"
        DENIED = "denied", "拒绝访问"
        LOCKED = "locked", "账号锁定"
        ACCESS_CHANGED = "access_changed", "权限变更"
        SESSIONS_ENDED = "sessions_ended", "会话终止"
        PASSWORD_CHANGED = "password_changed", "修改密码"
        DOWNLOAD = "download", "下载文件"
        WRITE = "write", "提交操作"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    kind = models.CharField("事件", max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField("登录名", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    path = models.CharField("访问路径", max_length=300, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "安全审计日志"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableAuditError("安全审计日志不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableAuditError("安全审计日志不能删除。")
