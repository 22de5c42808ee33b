"""Forms of mid-term evaluations: the evaluation, its correction, a typed-in or imported
feedback problem, the decision on a 不合格 result."""
from django import forms

from etown.forms import BootstrapMixin
from etown.models import LIVE_CONTRACTS, Contract
from etown.uploads import DOCUMENTS, SPREADSHEETS, UploadField

from ..models import Evaluation

REQUIRED = {"required": "此项为必填项。"}


class EvaluationForm(BootstrapMixin, forms.ModelForm):
    report = UploadField(label="评价报告", required=False, allowed=DOCUMENTS)
    publish = forms.BooleanField(label="同时在专栏公示评价结果（公示 5 个工作日）", required=False)

    class Meta:
        model = Evaluation
        fields = ["evaluator_kind", "evaluator_name", "agency", "evaluated_on", "score", "result", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "evaluator_kind": {"required": "请选择评价主体。"},
            "evaluator_name": {"required": "请填写评价单位。"},
            "evaluated_on": {"required": "请填写评价日期。", "invalid": "日期格式不正确。"},
            "result": {"required": "请选择评价结果。"},
            "score": {"invalid": "得分须为数字。"},
        }

    replaces = forms.ModelChoiceField(
        label="复评（所替代的评价）", queryset=Evaluation.objects.none(), required=False,
        help_text="本次为复评时选择原评价结果（须为同一评价主体）；经办公室负责人确认后，复评结果替代原结果作为拨付依据"
                  "（安泽办法第十八条：以省级组织的评价结果为准）。",
    )

    def __init__(self, *args, etown, agency_user_org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaces"].queryset = etown.evaluations.order_by("-evaluated_on", "-pk")
        self.fields["agency"].queryset = etown.agencies.all()
        self.fields["agency"].help_text = "评价主体为第三方机构时选择（须为本项目受托机构）。"
        self.agency_user_org = agency_user_org
        if agency_user_org is not None:
            # An agency records its own evaluation: the evaluator is the agency itself. On
            # an edit the evaluator stays as recorded (an agency edits only its own).
            if not self.instance.pk:
                self.initial.update(evaluator_kind=Evaluation.Evaluator.AGENCY, evaluator_name=agency_user_org.name,
                                    agency=agency_user_org)
            for name in ("evaluator_kind", "evaluator_name", "agency"):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("evaluator_kind") == Evaluation.Evaluator.AGENCY and not data.get("agency"):
            self.add_error("agency", "评价主体为第三方机构时，请选择受托第三方机构。")
        return data


class EvaluationEditForm(EvaluationForm):
    reason = forms.CharField(label="修改原因", max_length=200, error_messages={"required": "请填写修改原因。"},
                             help_text="将记入变更记录，供审计查阅。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["publish"]
        del self.fields["replaces"]  # recorded once, when the re-evaluation is entered


class EvaluationItemForm(BootstrapMixin, forms.Form):
    problem = forms.CharField(label="反馈问题", widget=forms.Textarea(attrs={"rows": 3}), error_messages=REQUIRED)
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}), error_messages=REQUIRED)
    units = forms.CharField(label="责任单位", max_length=200, error_messages=REQUIRED,
                            help_text="多个单位用顿号“、”分隔，如“县商务局、承办企业”。")
    persons = forms.CharField(label="责任人", max_length=200, error_messages=REQUIRED, help_text="多人用顿号分隔。")
    deadline = forms.DateField(label="整改时限", error_messages={"required": "请填写整改时限。", "invalid": "日期格式不正确。"})


class EvaluationImportForm(BootstrapMixin, forms.Form):
    file = UploadField(
        label="反馈问题清单（Excel）", allowed=SPREADSHEETS,
        help_text="列：序号、反馈问题、整改措施、责任单位、责任人、整改时限。任何一行有误则整份不导入，并列出出错的行和原因。",
    )


class DecisionForm(BootstrapMixin, forms.Form):
    decided_on = forms.DateField(label="决定日期", error_messages={"required": "请填写决定日期。", "invalid": "日期格式不正确。"})
    reduction_amount = forms.DecimalField(label="减少支持资金（元）", min_value=0, max_digits=16, decimal_places=2, initial=0,
                                          error_messages={"invalid": "请填写金额（元）。", "min_value": "金额不能为负数。"})
    cancel_qualification = forms.BooleanField(label="取消培育资格", required=False)
    clawback_amount = forms.DecimalField(label="收回已拨付资金（元）", min_value=0, max_digits=16, decimal_places=2, initial=0,
                                         error_messages={"invalid": "请填写金额（元）。", "min_value": "金额不能为负数。"},
                                         help_text="实际追回由资金模块登记追回记录。")
    decision_basis = forms.CharField(label="决定依据及说明", widget=forms.Textarea(attrs={"rows": 3}),
                                     error_messages={"required": "请填写决定依据（如领导小组会议纪要）及决定内容。"})
    contract = forms.ModelChoiceField(
        label="针对的合同", queryset=Contract.objects.none(), required=False, empty_label="请选择合同",
        error_messages={"invalid_choice": "所选合同不是本项目履行中的合同，请重新选择。"},
        help_text="减少支持资金和收回资金记在所选合同上（安泽办法第十八条）；取消培育资格终止本项目全部履行中的合同。",
    )
    field_order = ["contract", "decided_on", "reduction_amount", "cancel_qualification", "clawback_amount",
                   "decision_basis"]

    def __init__(self, *args, etown, **kwargs):
        """Only the live contracts of this e-town are offered; with one, it is chosen."""
        super().__init__(*args, **kwargs)
        live = Contract.objects.filter(etown=etown, status__in=LIVE_CONTRACTS).select_related("contractor").order_by(
            "signed_on", "pk")
        field = self.fields["contract"]
        field.queryset = live
        field.label_from_instance = lambda c: f"{c.number} {c.title}（{c.contractor.name}）"
        contracts = list(live)
        if len(contracts) == 1:
            field.initial = contracts[0].pk
        elif len(contracts) > 1:
            field.required = True
            field.error_messages["required"] = "本项目有多份履行中的合同，请选择处理决定针对的合同。"
