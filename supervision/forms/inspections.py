from django import forms
from django.utils import timezone

from etown.forms import BootstrapMixin
from etown.uploads import DOCUMENTS, MultiUploadField

from ..models import (
    PLANNED_CATEGORIES,
    CountyInspectionRule,
    Frequency,
    InspectionCategory,
    InspectionMethod,
    Judgement,
)
from ..services.inspections import eligible_inspectors


class RuleForm(BootstrapMixin, forms.ModelForm):
    reason = forms.CharField(label="修改原因", max_length=200, error_messages={"required": "请填写修改原因。"},
                             help_text="将记入变更记录。")

    class Meta:
        model = CountyInspectionRule
        fields = [
            "construction_months", "operation_months", "training_months", "funds_months",
            "funds_before_disbursement", "funds_window_days", "basis",
        ]


class PresetForm(BootstrapMixin, forms.Form):
    preset = forms.ChoiceField(label="预设", choices=[(k, v[0]) for k, v in CountyInspectionRule.PRESETS.items()])
    reason = forms.CharField(label="采用原因", max_length=200, error_messages={"required": "请填写采用预设的原因。"})
    payment_check = forms.BooleanField(label="同时开启拨付前资金检查（预设要求时）", required=False)
    confirmed = forms.BooleanField(label="我已核对：本县所有项目的检查频次将按预设调整", required=False)


class PlanForm(BootstrapMixin, forms.Form):
    """One row per planned category: follow the county, or the e-town's own frequency."""

    FOLLOW = "county"

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(self.FOLLOW, "按区县规则")] + [(str(v), label) for v, label in Frequency.choices]
        self.rows = []
        for plan in plans:
            key = plan.category
            self.fields[f"{key}_interval"] = forms.ChoiceField(
                label=f"{plan.category_label} · 频次", choices=choices,
                initial=self.FOLLOW if plan.from_county else str(plan.interval),
                help_text=f"区县规则：{plan.interval_label}" if plan.from_county else "",
            )
            self.fields[f"{key}_starts_on"] = forms.DateField(
                label=f"{plan.category_label} · 起算日期", required=False,
                initial=plan.plan.starts_on if plan.plan else None,
                help_text="留空则自项目实施开始之日起算。",
            )
            self.rows.append(key)
        # BootstrapMixin ran before these fields existed.
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
            if isinstance(field, forms.DateField):
                field.widget.input_type = "date"
                field.widget.format = "%Y-%m-%d"

    def plan_values(self):
        for key in self.rows:
            interval = self.cleaned_data[f"{key}_interval"]
            yield key, (None if interval == self.FOLLOW else int(interval)), self.cleaned_data[f"{key}_starts_on"]


class InspectionForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label="检查类别", choices=InspectionCategory.choices)
    inspected_on = forms.DateField(label="检查日期", error_messages={"required": "请填写检查日期。", "invalid": "日期格式不正确。"})
    methods = forms.MultipleChoiceField(
        label="检查方式", choices=InspectionMethod.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一种检查方式。"},
    )
    inspectors = forms.ModelMultipleChoiceField(
        label="检查人员", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="本区县政府部门人员和受委托第三方机构人员；记录人自动列入。",
    )
    other_inspectors = forms.CharField(label="其他检查人员", max_length=300, required=False,
                                       help_text="未在平台注册的人员，多人用顿号分隔。")
    summary = forms.CharField(label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    construction_result = forms.ChoiceField(label="项目建设情况", choices=Judgement.choices, initial=Judgement.NOT_CHECKED,
                                            help_text="是否按实施方案和合同要求建设完成并正常投入运营。")
    construction_remarks = forms.CharField(label="建设情况说明", max_length=500, required=False)
    operation_result = forms.ChoiceField(label="项目运营情况", choices=Judgement.choices, initial=Judgement.NOT_CHECKED,
                                         help_text="是否按实施方案运营并达到一定效果。")
    operation_remarks = forms.CharField(label="运营情况说明", max_length=500, required=False)
    funds_result = forms.ChoiceField(label="资金使用情况", choices=Judgement.choices, initial=Judgement.NOT_CHECKED,
                                     help_text="是否按资金管理办法使用，有无闲置、违规使用、弄虚作假。")
    funds_remarks = forms.CharField(label="资金使用情况说明", max_length=500, required=False)
    findings = forms.CharField(
        label="发现的问题", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一条。记录后可在检查详情页把每条问题一步转为整改事项。",
    )
    files = MultiUploadField(label="照片及材料", allowed=DOCUMENTS)

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = eligible_inspectors(etown)
        self.fields["inspectors"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["inspected_on"].initial = timezone.localdate()
        for name in ("methods", "inspectors"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["findings"] = (data.pop("findings") or "").splitlines()
        data["inspectors"] = list(data["inspectors"])
        return data


class FindingForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label="补充发现的问题", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写发现的问题。"})


class AttachForm(BootstrapMixin, forms.Form):
    files = MultiUploadField(label="补充照片及材料", allowed=DOCUMENTS, required=True)


__all__ = ["RuleForm", "PresetForm", "PlanForm", "InspectionForm", "FindingForm", "AttachForm", "PLANNED_CATEGORIES"]
