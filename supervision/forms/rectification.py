from django import forms
from django.utils import timezone

from etown.forms import BootstrapMixin
from etown.uploads import DOCUMENTS, SPREADSHEETS, MultiUploadField, UploadField

from ..models import Rectification
from ..services.rectification_import import split_names

NAMES_HELP = "多个用顿号“、”或逗号“，”分隔。"


class _ItemFields(BootstrapMixin, forms.Form):
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    units = forms.CharField(label="责任单位", max_length=300, help_text=NAMES_HELP,
                            error_messages={"required": "请填写至少一个责任单位。"})
    persons = forms.CharField(label="责任人", max_length=200, required=False, help_text=NAMES_HELP)
    deadline = forms.DateField(label="整改时限", error_messages={"required": "请填写整改时限。", "invalid": "日期格式不正确。"})

    def clean_units(self):
        return split_names(self.cleaned_data["units"])

    def clean_persons(self):
        return split_names(self.cleaned_data["persons"])


class FindingRectifyForm(_ItemFields):
    """Turn one finding into an item: the problem is the finding's text."""

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError("整改时限不能早于今天。")
        return deadline


class RectificationForm(_ItemFields):
    source = forms.ChoiceField(label="问题来源", choices=Rectification.Source.choices)
    ref = forms.CharField(label="原序号", max_length=20, required=False)
    problem = forms.CharField(label="反馈问题", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请填写反馈问题。"})
    field_order = ["source", "ref", "problem", "measures", "units", "persons", "deadline"]


class RectificationEditForm(_ItemFields):
    problem = forms.CharField(label="反馈问题", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请填写反馈问题。"})
    reason = forms.CharField(label="修改原因", max_length=200, error_messages={"required": "请填写修改原因。"},
                             help_text="将记入变更记录。")
    field_order = ["problem", "measures", "units", "persons", "deadline", "reason"]

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("initial", {
            "problem": item.problem, "measures": item.measures, "units": item.units, "persons": item.persons,
            "deadline": item.deadline,
        })
        super().__init__(*args, **kwargs)
        if item.escalation_level:
            self.fields["deadline"].disabled = True
            self.fields["deadline"].help_text = "已督办的事项以督办函规定的期限为准。"


class EvidenceForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写整改情况。"})
    files = MultiUploadField(label="佐证材料", allowed=DOCUMENTS)


class CloseForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="核验意见", max_length=500, required=False, initial="经核验，整改到位")


class SendBackForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="退回原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写退回原因。"})


class ImportForm(BootstrapMixin, forms.Form):
    file = UploadField(label="整改清单（Excel）", allowed=SPREADSHEETS)
    source = forms.ChoiceField(label="问题来源", choices=Rectification.Source.choices,
                               initial=Rectification.Source.EVALUATION)
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100,
                              help_text="整改时限只写了月日（如“10月底”）时所属的年份。")
    confirm_past = forms.BooleanField(
        label="确认导入已过整改时限的事项", required=False,
        help_text="整改时限早于今天的行默认不导入，页面会列出这些行；确需按原时限导入（导入后即计为逾期）时勾选。",
    )

    def __init__(self, *args, etowns=None, **kwargs):
        """``etowns``: the e-towns the office may import into, when the page is the county
        ledger's (issue 15) rather than one e-town's."""
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["confirm_past"].widget.attrs["class"] = "form-check-input"
        if etowns is not None:
            self.fields["etown"] = forms.ModelChoiceField(
                label="导入到项目", queryset=etowns, empty_label="请选择项目",
                error_messages={"required": "请选择项目。", "invalid_choice": "请选择本县的项目。"},
            )
            self.fields["etown"].widget.attrs["class"] = "form-select"
            self.order_fields(["etown", "file", "source", "year", "confirm_past"])
