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
    # 成立 / 不成立 (issue 12). A founded objection revokes the acceptance (it never
    # counts, or stops counting) and sends it to rectification and a re-review, whose
    # passed opinion goes through the whole chain and a new result notice again.
    founded = models.BooleanField("异议是否成立", null=True, blank=True)
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


class ConclusionReturn(models.Model):
    """A passed opinion sent back on its way to counting (issue 12):

    - the leading group returns it to the review group with its reason; the group
      revises its opinion and resubmits (``resubmitted_on``);
    - the county government does not agree (不同意, with date, document number and
      reason): 004 附件3 第八条（二）asks the group, for a project that does not pass, for
      rectification demands with a deadline and a review of the rectification, so the
      application goes to rectification and a re-review;
    - an objection to the result notice is found to be founded (成立): the same.

    The returned or refused opinion never counts; payments resting on it stay held."""

    class Body(models.TextChoices):
        LEADER = "leader", "领导小组退回验收小组"
        GOVERNMENT = "government", "县政府审核不同意"
        OBJECTION = "objection", "公示异议成立"

    application = models.ForeignKey(
        AcceptanceApplication, verbose_name="验收申请", on_delete=models.CASCADE, related_name="returns",
    )
    review = models.ForeignKey(
        "acceptance.AcceptanceReview", verbose_name="被退回的验收意见", on_delete=models.PROTECT, related_name="+",
    )
    body = models.CharField("退回环节", max_length=20, choices=Body.choices)
    decided_on = models.DateField("日期")
    document_number = models.CharField("文号", max_length=60, blank=True)
    reason = models.TextField("理由")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    resubmitted_on = models.DateField("修改后重新报送日期", null=True, blank=True)
    resubmit_note = models.TextField("修改说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "验收结论退回记录"
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        return f"{self.application} · {self.get_body_display()}"
