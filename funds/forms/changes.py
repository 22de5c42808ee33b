"""Forms of change and extension requests (临猗资金办法 004 附件2 第九条、第十条)."""
from django import forms

from etown.uploads import DOCUMENTS, UploadField

from ..models import ChangeKind
from .common import DATE, StyledForm


class ChangeForm(StyledForm):
    contract = forms.ModelChoiceField(label="项目建设合同", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="申请类型", choices=ChangeKind.choices)
    title = forms.CharField(label="事项", max_length=150)
    content = forms.CharField(label="变更或延期内容", widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 3}))
    new_term_end = forms.DateField(label="申请竣工日期（延期）", widget=DATE, required=False)
    new_amount = forms.DecimalField(label="调整后合同金额（元，变更）", max_digits=14, decimal_places=2, required=False,
                                    help_text="不调整的请留空。调整后的金额不能低于已拨付的金额；经上级同意后写入合同。")
    new_prepayment_ratio = forms.DecimalField(label="调整后预付比例（%，变更）", max_digits=5, decimal_places=2,
                                              required=False)
    new_retention_ratio = forms.DecimalField(label="调整后尾款比例（%，变更）", max_digits=5, decimal_places=2,
                                             required=False)
    application = UploadField(label="书面申请", required=False, allowed=DOCUMENTS)

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = etown.contracts.exclude(status="terminated")


class HigherApprovalForm(StyledForm):
    number = forms.CharField(label="上级批复文号", max_length=80)
    approved_on = forms.DateField(label="上级同意日期", widget=DATE)
    document = UploadField(label="上级同意文件", allowed=DOCUMENTS, help_text="上级批复或同意文件的扫描件（PDF 等）。")
    note = forms.CharField(label="备注", required=False)
