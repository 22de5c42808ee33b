"""Rectification items (整改事项), their evidence and their escalation.

An item comes from an inspection finding, a mid-term evaluation, an acceptance review,
an audit or a public report; it links to its origin generically (``source_type`` +
``source_id``, like ``etown.models.Notice``). Status: open → in progress → submitted for
verification (the contractor's evidence) → closed (销号, office staff only) or sent back.

Overdue is computed, never stored (``overdue_q``): an item not closed whose current
deadline has passed, unless its evidence was submitted in time and awaits the office's
verification (the delay is then the office's, not the contractor's).

Escalation (004 annex 4 §2): level 1 a 督办函 with a new deadline; level 2 a second
written order with a final deadline; level 3 a proposal to the county government to
terminate the contract. Each step is a ``RectificationEscalation`` row tied to the
letter that carried it.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

__all__ = [
    "Rectification", "RectificationResponse", "RectificationEscalation", "EscalationLevel", "overdue_q",
    "UNIT_SEPARATOR",
]

# Several units or persons are kept in one column joined by 、 (as the documents write
# them), so the ledger can filter on a unit with a plain icontains on every database.
UNIT_SEPARATOR = "、"


class EscalationLevel(models.IntegerChoices):
    NONE = 0, "未督办"
    FIRST = 1, "一次督办（督办函）"
    SECOND = 2, "二次督办（再次限期整改）"
    TERMINATION = 3, "报请终止合同"


def overdue_q(today):
    """Items overdue on ``today`` (a Q over Rectification)."""
    waiting_for_office = Q(status=Rectification.Status.SUBMITTED, submitted_on__lte=F("due_date"))
    return Q(due_date__lt=today) & ~Q(status=Rectification.Status.CLOSED) & ~waiting_for_office


class Rectification(models.Model):
    class Source(models.TextChoices):
        INSPECTION = "inspection", "日常监督检查"
        EVALUATION = "evaluation", "中期绩效评价"
        ACCEPTANCE = "acceptance", "验收复核"
        AUDIT = "audit", "审计"
        PUBLIC_REPORT = "public_report", "群众举报"

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        IN_PROGRESS = "in_progress", "整改中"
        SUBMITTED = "submitted", "待核验"
        CLOSED = "closed", "已销号"
        SENT_BACK = "sent_back", "已退回"

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="rectifications")
    source = models.CharField("问题来源", max_length=20, choices=Source.choices)
    # The record the item came from, for the app that opened it (e.g. "acceptance.evaluation").
    source_type = models.CharField("来源类型", max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField("来源编号", null=True, blank=True)
    inspection = models.ForeignKey(
        "supervision.Inspection", verbose_name="监督检查", on_delete=models.PROTECT, null=True, blank=True,
        related_name="rectifications",
    )
    finding = models.OneToOneField(
        "supervision.InspectionFinding", verbose_name="检查发现的问题", on_delete=models.PROTECT, null=True, blank=True,
        related_name="rectification",
    )
    ref = models.CharField("原序号", max_length=20, blank=True, help_text="反馈清单中的序号。")
    problem = models.TextField("反馈问题")
    measures = models.TextField("整改措施", blank=True)
    units = models.CharField("责任单位", max_length=300, help_text="多个单位用顿号分隔。")
    # Every responsible unit is a government department (set by the services from
    # ``units``, issue 11): the department's item, not the contractor's — it does not block
    # the contractor's money, draws no 督办函 to the contractor and never enters its ladder.
    government_only = models.BooleanField("责任单位均为政府部门", default=False, editable=False)
    # The registered organisations among ``units`` (issue 11), resolved by full name or a
    # known short name (``Organization.aliases``) when the item is created or its units
    # change: an item linked to a contractor company is that contractor's (its staff see
    # and answer it, the other contractor of the e-town does not); an item linked to no
    # contractor is the e-town's and visible to every contractor of it.
    organizations = models.ManyToManyField(
        "etown.Organization", verbose_name="责任单位（已登记）", blank=True, related_name="rectifications",
    )
    persons = models.CharField("责任人", max_length=200, blank=True, help_text="多人用顿号分隔。")
    deadline = models.DateField("整改时限", help_text="最初确定的整改时限。")
    due_date = models.DateField("当前整改期限", help_text="督办后以督办函规定的新期限为准。")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    escalation_level = models.PositiveSmallIntegerField("督办层级", choices=EscalationLevel.choices, default=EscalationLevel.NONE)
    submitted_on = models.DateField("最近提交佐证日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="销号人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.CharField("核验意见", max_length=500, blank=True, help_text="销号或退回时的意见。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "整改事项"
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["etown", "status", "due_date"], name="rectification_etown_status"),
            models.Index(fields=["source_type", "source_id"], name="rectification_source"),
        ]

    def __str__(self):
        return self.problem[:40]

    def get_absolute_url(self):
        return reverse("rectification_detail", args=[self.pk])

    @property
    def unit_list(self):
        return [u for u in self.units.split(UNIT_SEPARATOR) if u]

    @property
    def person_list(self):
        return [p for p in self.persons.split(UNIT_SEPARATOR) if p]

    def is_overdue(self, today):
        if self.status == self.Status.CLOSED or self.due_date >= today:
            return False
        return not (self.status == self.Status.SUBMITTED and self.submitted_on and self.submitted_on <= self.due_date)

    def days_overdue(self, today):
        return (today - self.due_date).days if self.is_overdue(today) else 0


class RectificationResponse(models.Model):
    """Evidence of rectification (整改佐证) submitted for an item, possibly in answer to a
    letter. Append-only: a new submission is a new row."""

    item = models.ForeignKey(Rectification, verbose_name="整改事项", on_delete=models.CASCADE, related_name="responses")
    letter = models.ForeignKey(
        "supervision.SupervisionLetter", verbose_name="答复的督办函", on_delete=models.PROTECT, null=True, blank=True,
        related_name="responses",
    )
    text = models.TextField("整改情况")
    files = models.ManyToManyField("etown.StoredFile", verbose_name="佐证材料", blank=True, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改佐证"
        ordering = ["item", "-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.item} · {self.submitted_at:%Y-%m-%d}"


class RectificationEscalation(models.Model):
    """One step of the escalation ladder of an item (004 annex 4 §2), who took it and when."""

    item = models.ForeignKey(Rectification, verbose_name="整改事项", on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField("督办层级", choices=EscalationLevel.choices)
    letter = models.ForeignKey(
        "supervision.SupervisionLetter", verbose_name="督办文书", on_delete=models.PROTECT, related_name="escalations"
    )
    previous_due_date = models.DateField("原期限")
    new_due_date = models.DateField("新期限", null=True, blank=True)
    escalated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField("督办时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "督办记录"
        ordering = ["item", "level"]
        constraints = [models.UniqueConstraint(fields=["item", "level"], name="escalation_once_per_level")]

    def __str__(self):
        return f"{self.item} · {self.get_level_display()}"
