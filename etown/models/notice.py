"""Notices (公示) of the public column. Other apps create them through
``etown.services.notices.notice_create`` (a disbursement's 5-working-day notice, an acceptance
result); the disclosure column lists the published ones."""
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Notice(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", "一般公示"
        DISBURSEMENT = "disbursement", "资金拨付公示"
        ACCEPTANCE = "acceptance", "验收结果公示"
        EVALUATION = "evaluation", "绩效评价结果公示"
        PLAN = "plan", "实施方案及资金办法"

    county = models.ForeignKey("etown.County", verbose_name="区县", on_delete=models.PROTECT, related_name="notices")
    etown = models.ForeignKey(
        "etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField("公示类别", max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    start_date = models.DateField("公示开始")
    end_date = models.DateField("公示截止", help_text="按法定工作日计算。")
    workdays = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    is_published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_reason = models.CharField("撤回原因", max_length=300, blank=True)
    # The record the notice is about, for the app that created it (e.g. "funds.disbursementrequest").
    source_type = models.CharField("来源类型", max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField("来源编号", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "专栏公示"
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["county", "is_published", "start_date"], name="notice_public_list"),
            models.Index(fields=["source_type", "source_id"], name="notice_source"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("notice_detail", args=[self.pk])

    def is_running(self, today):
        return self.is_published and not self.withdrawn_at and self.start_date <= today <= self.end_date

    def state(self, today):
        """(key, label) of where the notice stands on ``today``; the public column shows
        the label, and a withdrawn notice stays listed with its reason."""
        if not self.is_published:
            return "draft", "草稿"
        if self.withdrawn_at:
            return "withdrawn", "已撤回"
        if today < self.start_date:
            return "upcoming", "即将公示"
        if today <= self.end_date:
            return "running", "公示中"
        return "ended", "公示期满"

    def can_be_edited(self, today):
        """Office staff may edit a draft, or a published notice before its period starts
        (the public must read, for the whole period, the text that was noticed)."""
        return not self.withdrawn_at and (not self.is_published or today < self.start_date)

    @property
    def is_manual(self):
        """Created on the notices page, not by a disbursement or acceptance flow (whose
        notices that flow manages)."""
        return not self.source_type
