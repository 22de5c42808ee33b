"""Background work as records (issue 13). Every piece of work a worker does for a user
(a letter's PDF, an acceptance report, a dossier, an export, the departments' workbook)
is a ``Job`` row with a state the user sees (排队中 / 生成中 / 已完成 / 失败) and a retry
the user can press. The row is written in the request's transaction; the Celery message
is only a wake-up call published after the commit (etown.jobs.publish), so a broker that
is down loses nothing: the periodic sweep (etown.services.jobs.jobs_sweep) publishes
again what is still queued, and takes back work whose worker died.
"""
from django.conf import settings
from django.db import models


class JobKind:
    """What each kind of job runs and how long it may take. ``task`` is the Celery task
    name (kept as it was before jobs existed); ``time_limit`` is the hard limit in
    seconds: a job still 生成中 past it (plus a grace) is taken back by the sweep;
    ``keep_days`` is how long an export's file is kept (None: kept, it is a record);
    a result kept outside Job.result (the dossier's ZIP) is expired by the callback its app
    registers with etown.services.jobs.register_expirer."""

    def __init__(self, key, label, task, time_limit, keep_days=None):
        self.key, self.label, self.task, self.time_limit, self.keep_days = key, label, task, time_limit, keep_days


LETTER_PDF = "letter_pdf"
REVIEW_REPORT = "review_report"
DOSSIER = "dossier"
FUNDS_EXPORT = "funds_export"
REPORT_WORKBOOK = "report_workbook"

KINDS = {
    k.key: k
    for k in (
        JobKind(LETTER_PDF, "督办函 PDF", "supervision.render_letter_pdf", 180),
        JobKind(REVIEW_REPORT, "验收报告 PDF", "acceptance.tasks.render_review_report", 180),
        JobKind(DOSSIER, "项目档案", "acceptance.tasks.build_dossier", 1800, keep_days=7),
        JobKind(FUNDS_EXPORT, "资金台账导出", "funds.export_etown", 600, keep_days=7),
        JobKind(REPORT_WORKBOOK, "月报数据汇总表", "supervision.build_monthly_workbook", 600, keep_days=7),
    )
}
# A job is tried this many times (killed worker, time limit, error) before it is 失败.
MAX_ATTEMPTS = 3


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        EXPIRED = "expired", "已过期删除"

    kind = models.CharField("类别", max_length=30, choices=[(k, v.label) for k, v in KINDS.items()])
    # The record the job works on (a letter, a review, a dossier export…); its model
    # follows from ``kind``. Exports have no target record (0).
    target_id = models.PositiveBigIntegerField("对象编号", default=0)
    args = models.JSONField("任务参数", default=list, blank=True)
    county = models.ForeignKey("etown.County", verbose_name="区县", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+")
    title = models.CharField("名称", max_length=200, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    error = models.CharField("错误信息", max_length=500, blank=True)
    # The last publish to the broker: when it was sent, and why it failed (the broker was
    # down); the sweep publishes again.
    published_at = models.DateTimeField("最近排队时间", null=True, blank=True)
    publish_error = models.CharField("排队失败原因", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    result = models.ForeignKey("etown.StoredFile", verbose_name="结果文件", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField("文件保留至", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "target_id"], name="etown_job_kind_target")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}（{self.get_state_display()}）"

    @property
    def spec(self):
        return KINDS[self.kind]

    @property
    def open(self):
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def status_text(self):
        """What the page says about the job, in the user's words."""
        if self.state == self.State.QUEUED and self.publish_error:
            return "排队中：任务队列暂不可用，系统恢复后将自动生成，无需重复操作"
        if self.state == self.State.QUEUED and self.error:
            return f"排队中：上次未成功（{self.error}），将自动重试"
        if self.state == self.State.FAILED:
            return f"失败：{self.error}" if self.error else "失败"
        return self.get_state_display()
