"""Uploaded files. One table for every app's attachments: apps point at a StoredFile,
and the one download view authorises through the file's e-town and access level."""
from django.conf import settings
from django.db import models


class StoredFile(models.Model):
    class Access(models.TextChoices):
        ETOWN = "etown", "项目可见"  # whoever may read the e-town
        GOVERNMENT = "government", "仅政府部门"  # county-wide roles, not contractors or agencies
        DISCIPLINE = "discipline", "仅纪检审计"  # auditors (e.g. 举报 attachments)
        PUBLIC = "public", "公开"  # published in the disclosure column

    etown = models.ForeignKey(
        "etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, null=True, blank=True, related_name="files"
    )
    county = models.ForeignKey("etown.County", verbose_name="区县", on_delete=models.PROTECT, related_name="files")
    access = models.CharField("可见范围", max_length=20, choices=Access.choices, default=Access.ETOWN)
    original_name = models.CharField("原文件名", max_length=200)
    # Server-generated path under MEDIA_ROOT; never derived from the uploaded name.
    path = models.CharField("存储路径", max_length=200, unique=True, editable=False)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    purpose = models.CharField("用途", max_length=50, blank=True, help_text="如 月报附件、发票、整改佐证。")

    class Meta:
        verbose_name = verbose_name_plural = "上传文件"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("file_download", args=[self.pk])

    @property
    def is_image(self):
        return self.content_type in ("image/jpeg", "image/png")
