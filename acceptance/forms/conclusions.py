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


DATE_ERRORS = {"invalid": "日期格式不正确。"}


class RectificationFields(forms.Form):
    """The rectification a refused or revoked conclusion opens (附件3 第八条（二））."""

    rectification_deadline = forms.DateField(label="整改期限", required=False, error_messages=DATE_ERRORS)
    units = forms.CharField(label="整改责任单位", max_length=200, required=False)
    persons = forms.CharField(label="整改责任人", max_length=200, required=False)


class ResolveForm(BootstrapMixin, RectificationFields):
    founded = forms.TypedChoiceField(
        label="核查结论", choices=[("", "请选择"), ("no", "异议不成立"), ("yes", "异议成立")],
        coerce=lambda v: v == "yes", empty_value=None, error_messages={"required": "请选择异议是否成立。"},
        help_text="异议成立的，验收结论不生效（已生效的撤销），转入整改并由验收小组复核后重新公示；请同时填写整改期限和责任单位、责任人。",
    )
    resolution = forms.CharField(label="核查处理结果", widget=forms.Textarea(attrs={"rows": 2}),
                                 error_messages={"required": "请填写异议核查处理结果。"})
    field_order = ["founded", "resolution", "rectification_deadline", "units", "persons"]


class LeaderReturnForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写退回理由（需验收小组修改的内容）。"})


class ExceptionDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label="领导小组审批", choices=[("approve", "批准"), ("refuse", "不予批准")],
                                 widget=forms.RadioSelect, error_messages={"required": "请选择批准或不予批准。"})
    note = forms.CharField(label="意见", max_length=300, required=False, help_text="不予批准的须填写理由。")


class ResubmitForm(BootstrapMixin, forms.Form):
    opinion = forms.CharField(label="修改后的验收意见", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写修改后的验收意见。"})
    note = forms.CharField(label="修改说明", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请说明按领导小组意见所作的修改。"})


class GovernmentRefuseForm(BootstrapMixin, RectificationFields):
    reviewed_on = forms.DateField(label="县政府审核日期", error_messages={"required": "请填写县政府审核日期。", **DATE_ERRORS})
    document_number = forms.CharField(label="审核文号", max_length=60,
                                      error_messages={"required": "请填写县政府审核文号（如会议纪要或批复文号）。"})
    reason = forms.CharField(label="不同意的理由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写县政府不同意的理由。"},
                             help_text="将作为整改事项列入整改台账；整改完成后由验收小组复核，复核通过的结论重新报审并公示。")
    field_order = ["reviewed_on", "document_number", "reason", "rectification_deadline", "units", "persons"]


class AuditReportForm(BootstrapMixin, forms.Form):
    file = UploadField(label="审计报告", allowed=DOCUMENTS, error_messages={"required": "请上传审计报告。"})
    issuer = forms.CharField(label="出具单位", max_length=100, error_messages={"required": "请填写审计报告出具单位。"},
                             help_text="如受委托的会计师事务所或县审计局。")
