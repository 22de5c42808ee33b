"""Forms of the monthly reports. Values are checked here (numbers, ranges, uploads by
content, size and name); the rules that depend on other records (the accepted progress,
the previous cumulative value, what must be filled before submitting) are the services',
whose errors land beside the same fields (field names from ``task_field`` /
``indicator_field``)."""
from django import forms
from django.utils import timezone

from etown.forms import BootstrapMixin
from etown.uploads import DOCUMENTS, MultiUploadField

from ..models import MonthlyReport
from ..selectors.reports import RATE_UNITS, open_months, parse_month
from ..services.reports import indicator_field, task_field

NUMBER_ERRORS = {
    "invalid": "请填写数字（如 1200.50），不要带单位或汉字。",
    "min_value": "数值不能为负数。",
    "max_digits": "数字过大。",
    "max_decimal_places": "最多保留两位小数。",
    "max_whole_digits": "数字过大。",
}
PERCENT_ERRORS = {
    "invalid": "请填写 0 到 100 之间的整数。",
    "min_value": "请填写 0 到 100 之间的整数。",
    "max_value": "请填写 0 到 100 之间的整数。",
}
DECIMAL = {"max_digits": 16, "decimal_places": 2, "required": False, "error_messages": NUMBER_ERRORS}


class MonthField(forms.CharField):
    """A month as YYYY-MM (``<input type="month">``), cleaned to its first day."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}))
        kwargs.setdefault("error_messages", {"required": "请选择月份。"})
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None or not 2000 <= month.year <= 2100:
            raise forms.ValidationError("月份格式应为 年-月，如 2026-10。")
        return month


class ReportForm(BootstrapMixin, forms.Form):
    """The whole report on one page: summary, funds, plan, a row per task and per target,
    attachments."""

    work_summary = forms.CharField(
        label="本月工作总结", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="本月完成的主要工作、取得的成效、存在的问题。报送时必填。",
    )
    fund_use = forms.DecimalField(
        label="本月专项资金使用（元）", min_value=0, **DECIMAL,
        help_text="本月实际支出的专项资金，单位：元；没有支出请填 0。报送时必填。",
    )
    next_plan = forms.CharField(
        label="下月工作计划", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = MultiUploadField(label="上传附件", allowed=DOCUMENTS, max_files=10)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.task_lines = list(report.task_lines.select_related("task"))
        self.indicator_lines = list(report.indicator_lines.select_related("indicator"))
        self.initial.update({
            "work_summary": report.work_summary, "fund_use": report.fund_use, "next_plan": report.next_plan,
        })
        for line in self.task_lines:
            self.fields[task_field(line.task_id, "progress")] = forms.IntegerField(
                label=f"{line.task.title} 完成进度（%）", min_value=0, max_value=100, required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}), error_messages=PERCENT_ERRORS,
            )
            self.fields[task_field(line.task_id, "note")] = forms.CharField(
                label=f"{line.task.title} 进展说明", max_length=500, required=False,
            )
            self.initial[task_field(line.task_id, "progress")] = line.progress
            self.initial[task_field(line.task_id, "note")] = line.note
        for line in self.indicator_lines:
            indicator = line.indicator
            rate = indicator.unit.strip() in RATE_UNITS
            bounds = {} if rate else {"min_value": 0}
            self.fields[indicator_field(indicator.pk, "month_value")] = forms.DecimalField(
                label=f"{indicator.name} 本月值（{indicator.unit}）", **bounds, **DECIMAL,
            )
            self.fields[indicator_field(indicator.pk, "cumulative_value")] = forms.DecimalField(
                label=f"{indicator.name} 累计值（{indicator.unit}）", **bounds, **DECIMAL,
            )
            self.fields[indicator_field(indicator.pk, "note")] = forms.CharField(
                label=f"{indicator.name} 说明", max_length=300, required=False,
            )
            self.initial[indicator_field(indicator.pk, "month_value")] = line.month_value
            self.initial[indicator_field(indicator.pk, "cumulative_value")] = line.cumulative_value
            self.initial[indicator_field(indicator.pk, "note")] = line.note
        current = report.attachments.all()
        self.current_attachments = list(current)
        if self.current_attachments:
            self.fields["remove_attachments"] = forms.ModelMultipleChoiceField(
                label="删除附件", queryset=current, required=False, widget=forms.CheckboxSelectMultiple,
            )
        # BootstrapMixin styled the declared fields before these were added.
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"
            elif "form-control" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " form-control form-control-sm").strip()

    def task_rows(self):
        return [
            (line, self[task_field(line.task_id, "progress")], self[task_field(line.task_id, "note")])
            for line in self.task_lines
        ]

    def indicator_rows(self):
        return [
            (
                line,
                self[indicator_field(line.indicator_id, "month_value")],
                self[indicator_field(line.indicator_id, "cumulative_value")],
                self[indicator_field(line.indicator_id, "note")],
            )
            for line in self.indicator_lines
        ]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "work_summary": data.get("work_summary") or "",
            "fund_use": data.get("fund_use"),
            "next_plan": data.get("next_plan") or "",
            "task_values": {
                line.task_id: {
                    "progress": data.get(task_field(line.task_id, "progress")),
                    "note": data.get(task_field(line.task_id, "note")) or "",
                }
                for line in self.task_lines
            },
            "indicator_values": {
                line.indicator_id: {
                    "month_value": data.get(indicator_field(line.indicator_id, "month_value")),
                    "cumulative_value": data.get(indicator_field(line.indicator_id, "cumulative_value")),
                    "note": data.get(indicator_field(line.indicator_id, "note")) or "",
                }
                for line in self.indicator_lines
            },
            "add_files": data.get("attachments") or [],
            "remove_files": list(data.get("remove_attachments") or []),
        }


class ReportCreateForm(BootstrapMixin, forms.Form):
    month = forms.TypedChoiceField(label="报告月份", coerce=parse_month, error_messages={
        "required": "请选择月份。", "invalid_choice": "该月份不在填报期内，或月报已存在。",
    })

    def __init__(self, *args, etown, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        taken = set(MonthlyReport.objects.filter(etown=etown).values_list("period", flat=True))
        months = [m for m in reversed(open_months(etown, today)) if m not in taken]
        self.fields["month"].choices = [(f"{m:%Y-%m}", f"{m.year}年{m.month}月") for m in months]


class ReturnForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label="退回原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写退回原因，说明需要补充或更正的内容。"},
        help_text="将通知承办企业，并记入月报的变更记录。",
    )


class AcceptForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label="审核意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExportForm(BootstrapMixin, forms.Form):
    month = MonthField(label="报表月份")
    county = forms.ModelChoiceField(label="区县", queryset=None, required=False, empty_label="全部可见区县")
    include_pending = forms.BooleanField(
        label="包含已报送但尚未审核的月报", required=False,
        help_text="默认只汇总办公室审核通过的数据；勾选后，待审核月报的数据也列入，并在状态列注明。",
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
