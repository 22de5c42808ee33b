"""Forms of the termination workflow and 取消承办资格 (issue 12)."""
from django import forms
from django.utils import timezone

from etown.forms import BootstrapMixin
from etown.uploads import DOCUMENTS, UploadField


class LeaderDecisionForm(BootstrapMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label="审批意见", choices=(("1", "同意报请县人民政府"), ("0", "不同意")), coerce=lambda v: v == "1",
        widget=forms.RadioSelect, error_messages={"required": "请选择审批意见。"},
    )
    note = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="不同意时必填。")


class SendForm(BootstrapMixin, forms.Form):
    sent_on = forms.DateField(label="报送县人民政府日期", error_messages={"required": "请填写报送日期。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()


class GovernmentDecisionForm(BootstrapMixin, forms.Form):
    terminate = forms.TypedChoiceField(
        label="县人民政府决定", choices=(("1", "终止项目建设合同"), ("0", "不终止，限期整改")),
        coerce=lambda v: v == "1", widget=forms.RadioSelect, error_messages={"required": "请选择决定。"},
    )
    decided_on = forms.DateField(label="决定日期", error_messages={"required": "请填写决定日期。"})
    decision_number = forms.CharField(label="决定文号", max_length=80, error_messages={"required": "请填写决定文号。"})
    new_deadline = forms.DateField(label="新的整改期限", required=False, help_text="决定限期整改时必填。")
    note = forms.CharField(label="决定内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    upload = UploadField(label="决定文件", allowed=DOCUMENTS, required=False)


class DisqualificationForm(BootstrapMixin, forms.Form):
    contract = forms.ModelChoiceField(label="合同", queryset=None, error_messages={"required": "请选择合同。"})
    decided_on = forms.DateField(label="县人民政府决定日期", error_messages={"required": "请填写决定日期。"})
    decision_number = forms.CharField(label="决定文号", max_length=80, error_messages={"required": "请填写决定文号。"})
    reason = forms.CharField(label="事由", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写事由。"})
    upload = UploadField(label="决定文件", allowed=DOCUMENTS, required=False)

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
