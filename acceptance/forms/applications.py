"""Forms of acceptance applications and reviews: the application with its materials,
the review with its checklist, the filing."""
from django import forms

from etown.forms import BootstrapMixin
from etown.models import LIVE_CONTRACTS, Contract, Organization
from etown.uploads import DOCUMENTS, MultiUploadField, UploadField

from ..models import AcceptanceApplication, AcceptanceReview, ApplicationMaterial, ChecklistItem, ReviewMethod


def _checkbox_classes(form, *names):
    """Bootstrap's mixin styles every widget as a text input; choice lists need
    form-check, and templates/acceptance/_form_fields.html lays them out as a list."""
    for name in names:
        widget = form.fields[name].widget
        widget.attrs["class"] = "form-check-input"
        widget.choice_list = True


class ApplicationForm(BootstrapMixin, forms.Form):
    contract = forms.ModelChoiceField(label="项目建设合同", queryset=Contract.objects.none(), empty_label=None,
                                      error_messages={"required": "请选择合同。", "invalid_choice": "请选择本项目的合同。"})
    kind = forms.ChoiceField(label="验收类型", choices=AcceptanceApplication.Kind.choices,
                             error_messages={"required": "请选择验收类型。"},
                             help_text="每完成一个阶段性任务进行阶段验收；全部完成后申请终期验收（终验通过后方可拨付尾款）。")
    stage_name = forms.CharField(label="阶段名称", max_length=100, required=False,
                                 help_text="阶段验收填写，如“电商公共服务中心改造完成”。")
    summary = forms.CharField(label="项目建设总体情况", widget=forms.Textarea(attrs={"rows": 5}),
                              error_messages={"required": "请填写项目建设总体情况。"})

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = etown.contracts.filter(status__in=LIVE_CONTRACTS).select_related("contractor")
        for value, label in ApplicationMaterial.Category.choices:
            required = value in ApplicationMaterial.REQUIRED
            # Prefixed: "contract" (合同) is also the name of the contract field.
            self.fields[f"material_{value}"] = MultiUploadField(
                label=label, required=required, allowed=DOCUMENTS,
                error_messages={"required": f"请上传{label}。", "invalid": "上传失败，请重新选择文件。"},
            )
            self.fields[f"material_{value}"].widget.attrs["class"] = "form-control"

    def materials(self):
        return {value: self.cleaned_data.get(f"material_{value}") or [] for value in ApplicationMaterial.Category.values}


class ReviewForm(BootstrapMixin, forms.Form):
    reviewed_on = forms.DateField(label="验收日期", error_messages={"required": "请填写验收日期。", "invalid": "日期格式不正确。"})
    methods = forms.MultipleChoiceField(label="验收方式", choices=ReviewMethod.choices, widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": "请选择验收方式。"})
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Organization.objects.none(),
                                       error_messages={"required": "请选择牵头单位。"})
    member_units = forms.ModelMultipleChoiceField(label="参加单位", queryset=Organization.objects.none(),
                                                  widget=forms.CheckboxSelectMultiple,
                                                  error_messages={"required": "请选择参加单位。"},
                                                  help_text="商务局牵头，会同财政局、乡村振兴局等部门（验收制度第五条）。")
    agency = forms.ModelChoiceField(label="第三方机构", queryset=Organization.objects.none(), required=False,
                                    help_text="必要时引入第三方专业机构。")
    observer = forms.ModelChoiceField(label="监督单位", queryset=Organization.objects.none(), required=False,
                                      help_text="可邀请县审计局派员监督。")
    member_names = forms.CharField(label="验收小组成员", widget=forms.Textarea(attrs={"rows": 3}),
                                   error_messages={"required": "请填写验收小组成员。"}, help_text="每行一人：姓名、单位、职务。")
    opinion = forms.CharField(label="验收意见", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写验收意见。"})
    conclusion = forms.ChoiceField(label="验收结论", choices=AcceptanceReview.Conclusion.choices, widget=forms.RadioSelect,
                                   error_messages={"required": "请选择验收结论。"})
    rectification_deadline = forms.DateField(label="整改期限", required=False,
                                             error_messages={"invalid": "日期格式不正确。"},
                                             help_text="不予通过时必填；检查表中每个未达标项和下方每条问题各生成一项整改事项。")
    units = forms.CharField(label="整改责任单位", max_length=200, required=False, help_text="多个单位用顿号分隔。")
    persons = forms.CharField(label="整改责任人", max_length=200, required=False)
    extra_problems = forms.CharField(label="其他整改问题", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                     help_text="检查表以外的问题，每行一条。")
    round = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, application, round_no=1, **kwargs):
        super().__init__(*args, **kwargs)
        rectification_round = round_no > 1
        self.initial["round"] = round_no
        etown = application.etown
        departments = Organization.objects.filter(kind=Organization.Kind.DEPARTMENT, county=etown.county)
        self.fields["lead_unit"].queryset = departments
        self.fields["member_units"].queryset = departments
        self.fields["observer"].queryset = departments
        self.fields["agency"].queryset = etown.agencies.all()
        _checkbox_classes(self, "methods", "member_units", "conclusion")
        lead = departments.filter(name__contains="商务局").first()
        self.initial.setdefault("lead_unit", lead)
        self.initial.setdefault("units", application.contract.contractor.name)
        self.initial.setdefault(
            "persons", application.submitted_by.get_full_name() or application.submitted_by.username
        )
        if rectification_round:
            # A rectification review concludes; it opens no new items (附件3 第八条（二）).
            for name in ("rectification_deadline", "units", "persons", "extra_problems"):
                del self.fields[name]

    def extra_problem_lines(self):
        return [line.strip() for line in self.cleaned_data.get("extra_problems", "").splitlines() if line.strip()]


class ChecklistForm(forms.Form):
    """One judgement, figure and remark per checklist row; rows are rebuilt on the
    server and matched by key (see acceptance.selectors.applications.build_rows)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, prefix="c", **kwargs)
        self.rows = rows
        choices = [("", "请判定")] + list(ChecklistItem.Judgement.choices)
        for row in rows:
            key = row["key"]
            self.fields[f"{key}-judgement"] = forms.ChoiceField(
                label="判定", choices=choices, required=False, initial=row.get("suggested", ""),
                widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-judgement": "1"}),
            )
            self.fields[f"{key}-figure"] = forms.DecimalField(
                label="核实数值", required=False, max_digits=16, decimal_places=2, initial=row.get("figure"),
                error_messages={"invalid": "请填写数字。", "max_decimal_places": "最多两位小数。"},
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}),
            )
            self.fields[f"{key}-remark"] = forms.CharField(
                label="说明", required=False, max_length=300,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "placeholder": "未达标须说明整改要求"}),
            )

    def lines(self):
        return [
            (row, self[f"{row['key']}-judgement"], self[f"{row['key']}-figure"], self[f"{row['key']}-remark"])
            for row in self.rows
        ]

    def filled_rows(self):
        data = self.cleaned_data
        return [
            dict(
                row,
                judgement=data.get(f"{row['key']}-judgement", ""),
                figure=data.get(f"{row['key']}-figure"),
                remark=data.get(f"{row['key']}-remark", ""),
            )
            for row in self.rows
        ]


class FilingForm(BootstrapMixin, forms.Form):
    filed_on = forms.DateField(label="报备日期", error_messages={"required": "请填写报备日期。", "invalid": "日期格式不正确。"})
    filed_to = forms.CharField(label="报备单位", max_length=200, initial="运城市商务局、山西省商务厅",
                               error_messages={"required": "请填写报备单位。"})
    filing_number = forms.CharField(label="报备文号", max_length=60, error_messages={"required": "请填写报备文号。"})
    upload = UploadField(label="报备文件", allowed=DOCUMENTS, error_messages={"required": "请上传报备文件。"},
                         help_text="报备函及验收报告、审计报告（临猗资金办法第十七条）。")
