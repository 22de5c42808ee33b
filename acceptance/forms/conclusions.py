"""Forms of the conclusion chain: the leading group's approval, the county government's
review, objections to the result notice and their resolution, the audit report."""
from django import forms

from etown.forms import BootstrapMixin
from etown.uploads import DOCUMENTS, UploadField


class LeaderApproveForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="领导小组意见", max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text="如“同意验收小组意见，报县政府审核”。")


class GovernmentReviewForm(BootstrapMixin, forms.Form):
    reviewed_on = forms.DateField(label="县政府审核日期", error_messages={"required": "请填写县政府审核日期。",
                                                                     "invalid": "日期格式不正确。"})
    document_number = forms.CharField(label="审核文号", max_length=60,
                                      error_messages={"required": "请填写县政府审核文号（如会议纪要或批复文号）。"},
                                      help_text="如“临政常纪〔2026〕23号”或县政府批复文号。")
    notice_start = forms.DateField(label="结果公示开始日期", required=False,
                                   error_messages={"invalid": "日期格式不正确。"},
                                   help_text="公示 5 个工作日（按法定工作日历；临猗资金办法第十二条3）。")


class ObjectionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写异议内容。"},
                           help_text="办公室收到的书面、电话或来访异议；专栏意见窗口的异议自动登记。")


class ResolveForm(BootstrapMixin, forms.Form):
    resolution = forms.CharField(label="核查处理结果", widget=forms.Textarea(attrs={"rows": 2}),
                                 error_messages={"required": "请填写异议核查处理结果。"})


class AuditReportForm(BootstrapMixin, forms.Form):
    file = UploadField(label="审计报告", allowed=DOCUMENTS, error_messages={"required": "请上传审计报告。"})
    issuer = forms.CharField(label="出具单位", max_length=100, error_messages={"required": "请填写审计报告出具单位。"},
                             help_text="如受委托的会计师事务所或县审计局。")
