"""Acceptance (验收): the contractor's application and the acceptance group's reviews.

Rules: 临猗实施方案 004 附件3《验收制度》第四条（程序、材料）、第五条（阶段验收；现场检查、听取报告、
查看材料、随机抽查；商务局牵头、财政局、乡村振兴局参加，可引入第三方、邀请审计局监督）、第八条
（通过或提出整改意见及期限，对整改完成情况审核并出具结论）; 004 附件2 第七条（10% 尾款待终期
验收通过后拨付）、第十七条（接到申请 15 个工作日内组织验收，报市、省备案）.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

ACCEPTANCE_WORKDAYS = 15  # 004 附件2 第十七条


class ReviewMethod(models.TextChoices):
    """004 附件3 第五条（二）."""

    SITE = "site", "现场检查"
    REPORT = "report", "听取报告"
    MATERIALS = "materials", "查看材料"
    SAMPLING = "sampling", "随机抽查"


class ResultStage(models.TextChoices):
    """Where a passed opinion stands on its way to counting (004 附件3 第八条（二）：
    通过验收意见报县政府审核; 附件2 第十二条3：公示至少 5 个工作日无异议)."""

    LEADER = "leader", "待领导小组审批"
    # The leading group sent the opinion back to the review group with its reason; the
    # group revises it and resubmits (back to LEADER). See acceptance.services.conclusions.
    RETURNED = "returned", "已退回验收小组修改"
    GOVERNMENT = "government", "待县政府审核"
    NOTICE = "notice", "结果公示中"
    COUNTED = "counted", "已生效"


RESULT_NOTICE_WORKDAYS = 5  # 004 附件2 第十二条3：公示至少 5 个工作日


class AcceptanceApplication(models.Model):
    class Kind(models.TextChoices):
        STAGE = "stage", "阶段验收"
        FINAL = "final", "终期验收"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待验收"
        RECTIFYING = "rectifying", "整改中"
        PASSED = "passed", "验收通过"
        FAILED = "failed", "未通过验收"

    OPEN_STATUSES = (Status.SUBMITTED, Status.RECTIFYING)

    etown = models.ForeignKey(
        "etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="acceptance_applications",
    )
    contract = models.ForeignKey(
        "etown.Contract", verbose_name="项目建设合同", on_delete=models.PROTECT, related_name="acceptance_applications",
    )
    kind = models.CharField("验收类型", max_length=10, choices=Kind.choices)
    stage_name = models.CharField(
        "阶段名称", max_length=100, blank=True, help_text="阶段验收填写，如“电商公共服务中心改造完成”。",
    )
    summary = models.TextField("项目建设总体情况", help_text="建设内容完成情况、投入运营情况、资金使用情况。")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    received_on = models.DateField("受理日期")
    due_on = models.DateField("验收期限", help_text="受理后 15 个工作日（按法定工作日历）。")
    concluded_on = models.DateField("首次结论日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    filed_on = models.DateField("报备日期", null=True, blank=True)
    filed_to = models.CharField("报备单位", max_length=200, blank=True)
    # 报备 (004 附件2 第十七条): the filing letter's number and the file sent.
    filing_number = models.CharField("报备文号", max_length=60, blank=True)
    filing_file = models.ForeignKey(
        "etown.StoredFile", verbose_name="报备文件", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    # The conclusion chain of a passed opinion (004 附件3 第八条（二）; 附件2 第十二条3):
    # leading group → county government review → result notice → counted. Written only
    # by acceptance.services.conclusions.
    result_stage = models.CharField("结论办理环节", max_length=20, choices=ResultStage.choices, blank=True, default="")
    leader_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="领导小组审批人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    leader_approved_on = models.DateField("领导小组审批日期", null=True, blank=True)
    leader_note = models.CharField("领导小组意见", max_length=300, blank=True)
    government_reviewed_on = models.DateField("县政府审核日期", null=True, blank=True)
    government_document = models.CharField("县政府审核文号", max_length=60, blank=True)
    result_notice = models.ForeignKey(
        "etown.Notice", verbose_name="验收结果公示", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    counted_on = models.DateField("结论生效日期", null=True, blank=True,
                                  help_text="公示期满无未处理异议，验收结论生效（阶段验收支持进度款，终期验收释放尾款）。")
    audit_report = models.ForeignKey(
        "etown.StoredFile", verbose_name="审计报告", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="终期验收须出具审计报告（临猗资金办法第十七条）。",
    )
    audit_issuer = models.CharField("审计报告出具单位", max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["submitted_at"])

    class Meta:
        verbose_name = verbose_name_plural = "验收申请"
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="acceptance_app_status_due"),
            models.Index(fields=["etown", "status"], name="acceptance_app_etown_status"),
        ]

    def __str__(self):
        label = self.get_kind_display()
        if self.stage_name:
            label = f"{label}（{self.stage_name}）"
        return f"{self.etown} · {label}"

    def get_absolute_url(self):
        return reverse("acceptance:application_detail", args=[self.pk])

    @property
    def is_counted(self):
        """The acceptance counts: passed, approved, reviewed, noticed and confirmed."""
        return self.status == self.Status.PASSED and self.result_stage == ResultStage.COUNTED

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today):
        """The group must conclude within 15 working days of receipt; computed, never stored."""
        return self.status == self.Status.SUBMITTED and today > self.due_on

    @property
    def concluded_late(self):
        return self.concluded_on is not None and self.concluded_on > self.due_on


class ApplicationMaterial(models.Model):
    """A file of the application, by the categories of 004 附件3 第四条（二）."""

    class Category(models.TextChoices):
        EXPENSE_DETAIL = "expense_detail", "费用支出明细表"
        VOUCHER = "voucher", "记账凭证"
        INVOICE = "invoice", "发票"
        CONTRACT = "contract", "合同"
        PROGRESS = "progress", "项目建设进度表"
        EVIDENCE = "evidence", "建设内容佐证材料"
        RESULTS = "results", "项目建设成效"

    # Without these the group cannot do its 前期工作 (查看材料); the others are asked for
    # but an application is not refused for lacking them.
    REQUIRED = (Category.EXPENSE_DETAIL, Category.PROGRESS, Category.EVIDENCE, Category.RESULTS)
    # A final acceptance releases the retention: the group checks the books (004 附件3
    # 第四条（二）：费用支出明细表、记账凭证、发票、合同等), so these are required too.
    REQUIRED_FINAL = REQUIRED + (Category.VOUCHER, Category.INVOICE, Category.CONTRACT)

    application = models.ForeignKey(
        AcceptanceApplication, verbose_name="验收申请", on_delete=models.CASCADE, related_name="materials",
    )
    category = models.CharField("材料类别", max_length=20, choices=Category.choices)
    file = models.ForeignKey("etown.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "验收申请材料"
        ordering = ["application", "category", "pk"]

    def __str__(self):
        return f"{self.get_category_display()}：{self.file}"


class AcceptanceReview(models.Model):
    """One conclusion of the acceptance group. Round 1 concludes the application; when
    it is not passed, a later round reviews the rectification (004 附件3 第八条（二））."""

    class Conclusion(models.TextChoices):
        PASSED = "passed", "通过验收"
        NOT_PASSED = "not_passed", "不予通过"

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="acceptance_reviews")
    application = models.ForeignKey(
        AcceptanceApplication, verbose_name="验收申请", on_delete=models.PROTECT, related_name="reviews",
    )
    round = models.PositiveSmallIntegerField("评审轮次", default=1, help_text="1 为验收，2 起为整改复核。")
    reviewed_on = models.DateField("验收日期")
    methods = models.JSONField("验收方式", default=list)
    lead_unit = models.ForeignKey(
        "etown.Organization", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+",
    )
    member_units = models.ManyToManyField("etown.Organization", verbose_name="参加单位", related_name="+", blank=True)
    agency = models.ForeignKey(
        "etown.Organization", verbose_name="第三方机构", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    observer = models.ForeignKey(
        "etown.Organization", verbose_name="监督单位", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="可邀请县审计局派员监督（附件3第五条）。",
    )
    member_names = models.TextField("验收小组成员", help_text="每行一人：姓名、单位、职务。")
    opinion = models.TextField("验收意见")
    conclusion = models.CharField("验收结论", max_length=20, choices=Conclusion.choices)
    rectification_deadline = models.DateField("整改期限", null=True, blank=True)
    report_file = models.ForeignKey(
        "etown.StoredFile", verbose_name="验收报告", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+",
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = verbose_name_plural = "验收评审"
        ordering = ["application", "round"]
        constraints = [models.UniqueConstraint(fields=["application", "round"], name="acceptance_review_round")]

    def __str__(self):
        what = "验收" if self.round == 1 else f"整改复核（第{self.round - 1}次）"
        return f"{self.application} · {what}"

    def get_absolute_url(self):
        return reverse("acceptance:application_detail", args=[self.application_id]) + f"#review-{self.pk}"

    @property
    def is_rectification_review(self):
        return self.round > 1

    def method_labels(self):
        labels = dict(ReviewMethod.choices)
        return [labels.get(m, m) for m in self.methods]


class ChecklistItem(models.Model):
    """One line of the review's checklist: a task, a target or a condition of
    acceptance, judged with the figure found and a remark. Label and requirement are
    copied when the review is recorded, so a later edit of the task does not rewrite it."""

    class Kind(models.TextChoices):
        TASK = "task", "建设任务"
        INDICATOR = "indicator", "绩效目标"
        CONDITION = "condition", "验收条件"

    class Judgement(models.TextChoices):
        MET = "met", "达标"
        NOT_MET = "not_met", "未达标"
        NOT_APPLICABLE = "na", "本阶段不涉及"
        # Not met on the record, let pass by the group with a reason (shown in red in the
        # report); it stands once the leading group approves the result (issue 11).
        EXCEPTION = "exception", "例外（报领导小组批准）"

    class ExceptionStatus(models.TextChoices):
        """The leading group's decision on one exception row (issue 11), separate from
        its approval of the whole conclusion: the conclusion goes to the county
        government only once every exception of its review is approved."""

        PENDING = "pending", "待领导小组批准"
        APPROVED = "approved", "领导小组已批准"
        REFUSED = "refused", "领导小组不予批准"

    review = models.ForeignKey(AcceptanceReview, verbose_name="验收评审", on_delete=models.CASCADE, related_name="checklist")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    task = models.ForeignKey(
        "etown.Task", verbose_name="建设任务", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    indicator = models.ForeignKey(
        "etown.Indicator", verbose_name="绩效目标", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    position = models.PositiveSmallIntegerField("序号", default=0)
    label = models.CharField("检查内容", max_length=300)
    requirement = models.CharField("标准", max_length=200, blank=True)
    figure = models.DecimalField("核实数值", max_digits=16, decimal_places=2, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    judgement = models.CharField("判定", max_length=10, choices=Judgement.choices)
    remark = models.CharField("说明", max_length=300, blank=True)
    # Only for an exception row: the leading group's own decision on it, with a note.
    exception_status = models.CharField("例外审批", max_length=10, choices=ExceptionStatus.choices, blank=True,
                                        default="")
    exception_note = models.CharField("领导小组意见", max_length=300, blank=True)
    exception_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="例外审批人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    exception_decided_on = models.DateField("例外审批日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "验收检查项"
        ordering = ["review", "position", "pk"]

    def __str__(self):
        return f"{self.label}：{self.get_judgement_display()}"
