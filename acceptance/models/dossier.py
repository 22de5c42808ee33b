"""The project dossier (项目档案, 004 附件2 第十八条; 002 第八条): one ZIP of every
document of an e-town with its catalogue, built by a Celery task."""
from django.conf import settings
from django.db import models


class DossierExport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"
        # Past its keeping time (KINDS[DOSSIER].keep_days): the ZIP was deleted by the jobs sweep.
        EXPIRED = "expired", "已过期删除"

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.CASCADE, related_name="dossier_exports")
    # A dossier for one contract's acceptance (issue 11/15): the sources that take a
    # contract give its documents only (another contractor's ledger is not in it).
    contract = models.ForeignKey(
        "etown.Contract", verbose_name="合同", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+",
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Server-generated path under MEDIA_ROOT; served only by acceptance.views.dossier_download.
    path = models.CharField("存储路径", max_length=200, blank=True, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    file_count = models.PositiveIntegerField("文件数", default=0)
    error = models.TextField("错误信息", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目档案导出"
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.etown} 档案（{self.requested_at:%Y-%m-%d %H:%M}）"

    @property
    def filename(self):
        scope = f"-{self.contract.number}" if self.contract_id else ""
        return f"{self.etown.name}{scope}-项目档案-{self.requested_at:%Y%m%d%H%M}.zip"
