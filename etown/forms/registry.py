"""Forms of the registry: e-towns, contracts, tasks, indicators, agencies and
organisations."""
from django import forms

from ..models import CONTRACT_TERMS, Contract, ETown, Indicator, Organization, Task
from .common import BootstrapMixin, ReasonMixin


class ETownForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ETown
        fields = [
            "county", "name", "kind", "leading_industries", "planned_investment", "area_km2", "boundary",
            "phase", "status", "preparation_start", "implementation_start", "evaluation_start",
            "acceptance_start", "planned_end",
        ]
        widgets = {"boundary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["county"].empty_label = None
        if self.instance.pk:
            self.fields["county"].disabled = True


class ETownEditForm(ReasonMixin, ETownForm):
    pass


class ContractForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "contractor", "number", "title", "amount", "signed_on", "prepayment_ratio", "retention_ratio",
            "term_start", "term_end", "status",
        ]

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.etown = etown
        self.fields["contractor"].queryset = Organization.objects.filter(
            kind=Organization.Kind.CONTRACTOR, county=etown.county
        )
        self.fields["contractor"].help_text = "本区县登记的承办企业。合同登记后，该企业人员即可查看和填报本项目。"


class ContractEditForm(ReasonMixin, ContractForm):
    """Once the contract's first disbursement request is submitted, its money terms are
    shown read-only (``etown.services.contract_update`` refuses them anyway): they change
    through an approved change (004 附件2 第九条) or extension (第十条) request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms_locked = bool(self.instance.pk and self.instance.terms_locked_at)
        if self.terms_locked:
            for name in CONTRACT_TERMS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "已锁定：须经批准的变更或延期申请调整。"


class TaskForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Task
        fields = ["category", "title", "description", "budget", "planned_completion", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TaskEditForm(ReasonMixin, TaskForm):
    pass


class IndicatorForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "code", "unit", "comparator", "target", "period", "position"]

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.etown = etown


class IndicatorEditForm(ReasonMixin, IndicatorForm):
    pass


class AgencyForm(BootstrapMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label="第三方机构", queryset=Organization.objects.none(),
        error_messages={"required": "请选择第三方机构。", "invalid_choice": "请选择列表中的第三方机构。"},
    )

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Organization.objects.filter(kind=Organization.Kind.AGENCY).exclude(
            pk__in=etown.agencies.values("pk")
        )


class OrganizationForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["county", "name", "aliases", "kind", "credit_code", "contact_person", "contact_phone"]

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
        self.fields["county"].required = True
        self.fields["county"].empty_label = None
