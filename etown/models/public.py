"""The public disclosure column (专栏) and its two windows.

Every seed asks the county to open a column on its government site where plans,
progress, fund use and acceptance results are published, with a window for opinions
(意见建议) and a window for reports of wrongdoing (举报): 000 §5(2), 002 art. 16,
004 §9(4), 004 annex 2 art. 4, 004 annex 3 art. 7. Nothing is public until office staff
mark it so: ``PublicProfile`` says which e-towns and which sections, ``PublicDocument``
which documents.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class PublicProfile(models.Model):
    """An e-town's page in the public column. The page exists only while
    ``is_published``; each section appears only when its key is in ``sections``."""

    # Sections that etown itself renders; the keys of hub.public_panels (funds,
    # acceptance results …) are valid section keys too.
    SECTION_PROGRESS = "progress"
    SECTION_INDICATORS = "indicators"
    OWN_SECTIONS = [(SECTION_PROGRESS, "建设进度（建设任务及完成百分比）"), (SECTION_INDICATORS, "绩效目标完成情况")]

    etown = models.OneToOneField(
        "etown.ETown", verbose_name="e镇项目", on_delete=models.CASCADE, related_name="public_profile"
    )
    is_published = models.BooleanField("专栏已公开", default=False)
    sections = models.JSONField("公开栏目", default=list, blank=True, help_text="勾选的栏目才会出现在公开页面上。")
    summary = models.TextField("专栏简介", blank=True, help_text="面向公众的项目简介，可留空。")
    published_at = models.DateTimeField("最近公开时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "公开专栏设置"

    def __str__(self):
        return f"{self.etown}（{'已公开' if self.is_published else '未公开'}）"

    def get_absolute_url(self):
        return reverse("public_etown", args=[self.etown_id])

    def shows(self, key):
        return self.is_published and key in (self.sections or [])


class PublicDocument(models.Model):
    """A document of the column: the implementation plan (实施方案), the fund rules
    (资金管理办法) … of one e-town, or of the whole county when ``etown`` is empty. The
    file is stored with access ``PUBLIC`` only while the document is published."""

    class Kind(models.TextChoices):
        PLAN = "plan", "实施方案"
        FUND_RULES = "fund_rules", "专项资金管理办法"
        ACCEPTANCE_RULES = "acceptance_rules", "验收制度"
        SUPERVISION_RULES = "supervision_rules", "监督管理制度"
        RESULT = "result", "验收及评价结果"
        OTHER = "other", "其他"

    county = models.ForeignKey("etown.County", verbose_name="区县", on_delete=models.PROTECT, related_name="public_documents")
    etown = models.ForeignKey(
        "etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, null=True, blank=True,
        related_name="public_documents", help_text="留空表示适用于全县各项目的文件。",
    )
    kind = models.CharField("文件类别", max_length=30, choices=Kind.choices)
    title = models.CharField("文件标题", max_length=200)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    file = models.ForeignKey("etown.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+")
    is_published = models.BooleanField("已公开", default=False)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "专栏公开文件"
        ordering = ["kind", "-issued_on", "pk"]
        indexes = [models.Index(fields=["county", "is_published"], name="pubdoc_county_published")]

    def __str__(self):
        return self.title


class PublicSubmission(models.Model):
    """A message from the opinion window (意见建议) or the report window (举报).

    The sender gets a tracking code once; only its SHA-256 is kept, so neither staff
    nor a copy of the database can read a sender's code back. Opinions are handled by
    the county office and their replies may be published; reports are seen only by the
    audit and discipline roles (004 annex 3 art. 9) and by an office handler they
    assign, and a reporter's name and contact by the audit roles alone.
    """

    class Kind(models.TextChoices):
        OPINION = "opinion", "意见建议"
        REPORT = "report", "举报"

    class Status(models.TextChoices):
        NEW = "new", "待受理"
        PROCESSING = "processing", "办理中"
        REPLIED = "replied", "已答复"
        CLOSED = "closed", "已办结"

    class Channel(models.TextChoices):
        WEB = "web", "网上窗口"
        OFFLINE = "offline", "线下登记"

    county = models.ForeignKey("etown.County", verbose_name="区县", on_delete=models.PROTECT, related_name="public_submissions")
    etown = models.ForeignKey(
        "etown.ETown", verbose_name="涉及项目", on_delete=models.PROTECT, null=True, blank=True,
        related_name="public_submissions",
    )
    notice = models.ForeignKey(
        "etown.Notice", verbose_name="异议所针对的公示", on_delete=models.PROTECT, null=True, blank=True,
        related_name="objections",
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    channel = models.CharField("来源", max_length=20, choices=Channel.choices, default=Channel.WEB)
    tracking_hash = models.CharField("查询码摘要", max_length=64, unique=True, editable=False)
    subject = models.CharField("标题", max_length=100)
    content = models.TextField("内容")
    name = models.CharField("姓名", max_length=50, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    attachment = models.ForeignKey(
        "etown.StoredFile", verbose_name="附件", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField("办理状态", max_length=20, choices=Status.choices, default=Status.NEW)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="举报可由纪检审计人员指定办公室人员协助核查。",
    )
    reply = models.TextField("答复", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply_published = models.BooleanField("答复已公开", default=False)
    public_question = models.TextField(
        "公开的问题摘要", blank=True, help_text="公开答复时代替原文显示，可删去个人信息。"
    )
    closed_reason = models.CharField("办结说明", max_length=300, blank=True)
    # A keyed hash of the sender's address, for the rate limit and abuse checks; the
    # address itself is not stored.
    address_hash = models.CharField("来源地址摘要", max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)

    # The sender's identity never enters the history tables: the change trail shows
    # what was done with a message, not who sent it.
    history = HistoricalRecords(excluded_fields=["name", "contact", "address_hash", "tracking_hash", "created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "意见与举报"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["county", "kind", "status"], name="pubsub_inbox"),
            models.Index(fields=["county", "reply_published"], name="pubsub_published"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.subject}"

    def get_absolute_url(self):
        return reverse("submission_detail", args=[self.pk])

    @property
    def is_anonymous(self):
        return not (self.name or self.contact)


class PublicRateHit(models.Model):
    """One counted request of a public form, for the rate limit per address
    (etown.ratelimit). A database table rather than the cache, so every web
    process and replica counts the same hits. Old rows are pruned as new ones come."""

    bucket = models.CharField("类别", max_length=20)
    key = models.CharField("来源摘要", max_length=64)
    at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "公开窗口访问计数"
        indexes = [models.Index(fields=["bucket", "key", "at"], name="ratehit_lookup")]

    def __str__(self):
        return f"{self.bucket} {self.at:%Y-%m-%d %H:%M}"
