"""Forms of the disbursement request and of each step of its chain (安泽办法 002 第十条、
第十二条; 临猗资金办法 004 附件2 第十二条)."""
from django import forms

from etown.uploads import DOCUMENTS, MultiUploadField, UploadField

from ..models import MaterialKind, RequestKind
from ..selectors.requests import available_stage_acceptances
from .common import DATE, StyledForm, money_field


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

    stage_acceptance = forms.ModelChoiceField(
        label="依据的阶段验收", queryset=None, required=False, empty_label="（进度款必选）",
        error_messages={"invalid_choice": "请选择本合同已生效且尚未使用的阶段验收。"},
        help_text="进度款须依据一项已生效的阶段验收（验收合格、县政府审核并公示期满无异议，临猗资金办法第十二条第3项）；"
                  "每项阶段验收只能支持一笔进度款。预付款、尾款不选。",
    )

    def __init__(self, *args, etown, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        contracts = etown.contracts.exclude(status="terminated").select_related("contractor")
        self.fields["contract"].queryset = contracts
        self.fields["tasks"].queryset = etown.tasks.all()
        self.fields["tasks"].widget.attrs["class"] = "form-check-input"
        self.fields["stage_acceptance"].queryset = available_stage_acceptances(
            contracts.values("pk"), request=request
        )
        self.fields["stage_acceptance"].label_from_instance = lambda a: (
            f"{a.stage_name or a.get_kind_display()}（{a.contract.number}，{a.counted_on:%Y-%m-%d} 生效）"
        )


class MaterialForm(StyledForm):
    kind = forms.ChoiceField(label="材料类别", choices=MaterialKind.choices)
    # Several files of the chosen category at once (issue 15); the page keeps the category.
    file = MultiUploadField(label="文件（可多选）", allowed=DOCUMENTS, required=True)


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
