"""Objections to an acceptance result notice (验收结果公示异议).

004 附件2 第十二条3：经验收合格的项目，须在县政府网站公示至少 5 个工作日，公示无异议后，
方可向项目承办主体拨付专项资金. An objection from the public window (``submission_id``)
or recorded by the office stops the acceptance from counting, and holds every payment
that rests on it, until the office records how it was resolved.
"""
from django.conf import settings
from django.db import models

from .application import AcceptanceApplication


class ResultObjection(models.Model):
    application = models.ForeignKey(
        AcceptanceApplication, verbose_name="验收申请", on_delete=models.CASCADE, related_name="objections",
    )
    notice = models.ForeignKey("etown.Notice", verbose_name="公示", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("异议内容")
    # The public window's PublicSubmission, kept by id (as funds does).
    submission_id = models.PositiveBigIntegerField("来源意见编号", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    received_at = models.DateTimeField("收到时间", auto_now_add=True)
    resolution = models.TextField("处理结果", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "验收结果公示异议"
        ordering = ["received_at", "pk"]

    def __str__(self):
        return f"{self.application} · 公示异议"

    @property
    def is_resolved(self):
        return self.resolved_at is not None
