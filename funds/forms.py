"""Forms of the funds pages. They validate input and show errors beside each field;
the services enforce the rules and their ValidationErrors land on the same forms."""
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from etown.models import Organization
from etown.uploads import DOCUMENTS, IMAGES, PDF, UploadField

from .models import AssetState, ChangeKind, ClawbackBasis, ClawbackKind, MaterialKind, RequestKind
from .models.policy import MIN_NOTICE_WORKDAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_HELP = "单位：元，最多两位小数。"


def money_field(label, **kwargs):
    return forms.DecimalField(
        label=label, max_digits=16, decimal_places=2, min_value=Decimal("0.01"), help_text=kwargs.pop("help_text", MONEY_HELP),
        error_messages={"min_value": "金额须大于 0。", "invalid": "请输入金额（数字）。", "required": "请填写金额。",
                        "max_decimal_places": "金额最多两位小数。"},
        **kwargs,
    )


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (no inline styles: the CSP forbids them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class RequestForm(StyledForm):
    contract = forms.ModelChoiceField(label="项目建设合同", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="拨付类型", choices=RequestKind.choices)
    amount = money_field("申请金额（元）")
    purpose = forms.CharField(label="资金用途", widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="说明本次申请对应的建设内容、完成情况和资金用途。")
    tasks = forms.ModelMultipleChoiceField(
        label="对应建设任务", queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择本次申请对应的建设任务。"},
    )

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = etown.contracts.exclude(status="terminated").select_related("contractor")
        self.fields["tasks"].queryset = etown.tasks.all()
        self.fields["tasks"].widget.attrs["class"] = "form-check-input"


class MaterialForm(StyledForm):
    kind = forms.ChoiceField(label="材料类别", choices=MaterialKind.choices)
    file = UploadField(label="文件", allowed=DOCUMENTS)


class NoteForm(StyledForm):
    note = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写原因。"})


class MeetingForm(StyledForm):
    meeting_date = forms.DateField(label="常务会议日期", widget=DATE, error_messages={"required": "请填写常务会议日期。"})
    minutes_number = forms.CharField(label="会议纪要编号", max_length=60, error_messages={"required": "请填写会议纪要编号。"},
                                     help_text="如“县政府常务会议纪要〔2026〕12号”。")
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(StyledForm):
    start_date = forms.DateField(label="公示开始日期", widget=DATE, help_text="公示期按法定工作日计算，不少于 5 个工作日。")


class ObjectionForm(StyledForm):
    text = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写异议内容。"},
                           help_text="办公室收到的书面、电话或来访异议。登记后申请暂停，待核查处理。")


class ResumeForm(StyledForm):
    resolution = forms.CharField(label="异议核查处理结果", widget=forms.Textarea(attrs={"rows": 3}),
                                 error_messages={"required": "请填写异议核查处理结果。"})
    start_date = forms.DateField(label="重新公示开始日期", widget=DATE)


class DisburseForm(StyledForm):
    disbursed_on = forms.DateField(label="拨付日期", widget=DATE, error_messages={"required": "请填写拨付日期。"})
    amount = money_field("拨付金额（元）")
    voucher_number = forms.CharField(label="支付凭证号", max_length=60, error_messages={"required": "请填写支付凭证号。"})
    voucher = UploadField(label="支付凭证（可选）", required=False, allowed=DOCUMENTS)


class OverrideForm(StyledForm):
    gate_key = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="例外放行理由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写例外放行的理由。"},
                             help_text="例外放行将在申请页、审批表和各列表中以红色标示。")


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


class ChangeForm(StyledForm):
    contract = forms.ModelChoiceField(label="项目建设合同", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="申请类型", choices=ChangeKind.choices)
    title = forms.CharField(label="事项", max_length=150)
    content = forms.CharField(label="变更或延期内容", widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 3}))
    new_term_end = forms.DateField(label="申请竣工日期（延期）", widget=DATE, required=False)
    application = UploadField(label="书面申请", required=False, allowed=DOCUMENTS)

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = etown.contracts.exclude(status="terminated")


class HigherApprovalForm(StyledForm):
    number = forms.CharField(label="上级批复文号", max_length=80)
    approved_on = forms.DateField(label="上级同意日期", widget=DATE)
    note = forms.CharField(label="备注", required=False)


class PolicyForm(StyledForm):
    finance_department = forms.ModelChoiceField(label="财政部门", queryset=None, required=False,
                                                empty_label="（自动：名称含“财政局”的部门）")
    ledger_contract_threshold = forms.DecimalField(label="单笔支出须附合同的金额（元）", max_digits=16, decimal_places=2,
                                                   min_value=0)
    notice_workdays = forms.IntegerField(
        label="拨付公示期（工作日）", min_value=MIN_NOTICE_WORKDAYS,
        error_messages={"min_value": "公示期不少于 5 个工作日（临猗资金办法第十二条第3项）。"},
    )
    reason = forms.CharField(label="修改原因", max_length=200)

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finance_department"].queryset = Organization.objects.filter(
            county=county, kind=Organization.Kind.DEPARTMENT
        )
