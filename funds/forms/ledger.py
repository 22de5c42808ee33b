"""Forms of the special-funds ledger (专账, 临猗资金办法第十五条、第十六条), the asset
register (第八条) and clawbacks and reductions (安泽办法第九条、第十八条)."""
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from etown.uploads import DOCUMENTS, IMAGES, PDF, UploadField

from ..models import AssetState, ClawbackBasis, ClawbackKind
from .common import DATE, StyledForm, money_field


class LedgerForm(StyledForm):
    contract = forms.ModelChoiceField(label="项目建设合同", queryset=None, empty_label=None)
    entry_date = forms.DateField(label="支付日期", widget=DATE, error_messages={"required": "请填写支付日期。"})
    payee = forms.CharField(label="收款单位（人）", max_length=150)
    summary = forms.CharField(label="摘要", max_length=200)
    amount = money_field("金额（元）")
    task = forms.ModelChoiceField(label="建设任务", queryset=None, required=False, empty_label="（未对应建设任务）",
                                  help_text="专项资金只能用于规定的建设内容（临猗资金办法第六条）。")
    voucher_number = forms.CharField(label="记账凭证号", max_length=60)
    invoice_number = forms.CharField(label="发票号码", max_length=60, required=False)
    invoice = UploadField(label="发票影像", required=False, allowed=(PDF, *IMAGES))
    payee_contract = UploadField(label="支出合同", required=False, allowed=DOCUMENTS)

    def __init__(self, *args, etown, threshold=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = etown.contracts.exclude(status="terminated")
        self.fields["task"].queryset = etown.tasks.all()
        if threshold is not None:
            self.fields["payee_contract"].help_text = f"单笔超过 {threshold:,.0f} 元的支出请附合同。"


class ReverseForm(StyledForm):
    reason = forms.CharField(label="冲销原因", max_length=300, error_messages={"required": "请填写冲销原因。"})
    voucher_number = forms.CharField(label="冲销凭证号", max_length=60, required=False)


class AssetForm(StyledForm):
    name = forms.CharField(label="资产名称", max_length=150)
    specification = forms.CharField(label="规格型号", max_length=150, required=False)
    quantity = forms.IntegerField(label="数量", min_value=1, initial=1)
    value = forms.DecimalField(label="价值（元）", max_digits=16, decimal_places=2, validators=[MinValueValidator(0)])
    acquired_on = forms.DateField(label="购置日期", widget=DATE)
    location = forms.CharField(label="存放地点", max_length=200)
    ownership = forms.CharField(label="权属", max_length=150)
    task = forms.ModelChoiceField(label="建设任务", queryset=None, required=False)
    photo = UploadField(label="照片", required=False, allowed=IMAGES)

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = etown.tasks.all()


class AssetInspectionForm(StyledForm):
    inspected_on = forms.DateField(label="核查日期", widget=DATE)
    state = forms.ChoiceField(label="核查状态", choices=AssetState.choices)
    note = forms.CharField(label="核查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = UploadField(label="现场照片", required=False, allowed=IMAGES)


class ClawbackForm(StyledForm):
    contract = forms.ModelChoiceField(label="项目建设合同", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="类型", choices=ClawbackKind.choices)
    amount = money_field("金额（元）")
    basis = forms.ChoiceField(label="依据", choices=ClawbackBasis.choices)
    reason = forms.CharField(label="事由", widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(label="决定文号", max_length=80)
    decided_on = forms.DateField(label="决定日期", widget=DATE)

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = etown.contracts.all()



class ProposalConfirmForm(forms.Form):
    """Confirm a clawback proposal (issue 12): the amount clawed back and the decision."""

    amount = forms.DecimalField(label="追回金额（元）", max_digits=16, decimal_places=2, min_value=Decimal("0.01"),
                                error_messages={"required": "请填写追回金额。"})
    decision_number = forms.CharField(label="决定文号", max_length=80, error_messages={"required": "请填写决定文号。"})
    decided_on = forms.DateField(label="决定日期", error_messages={"required": "请填写决定日期。"})


class ProposalDismissForm(forms.Form):
    reason = forms.CharField(label="不予追回的理由", max_length=500, error_messages={"required": "请填写不予追回的理由。"})
