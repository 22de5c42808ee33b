"""Forms of the office's notice pages (公示): a notice, and an objection received on
paper."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..models import ETown, Notice
from ..services.submissions import MAX_CONTENT, MAX_SUBJECT
from .common import BootstrapMixin


class NoticeForm(BootstrapMixin, forms.Form):
    etown = forms.ModelChoiceField(label="e镇项目", queryset=ETown.objects.none(), required=False,
                                   empty_label="（全县，不针对具体项目）")
    kind = forms.ChoiceField(label="公示类别", choices=Notice.Kind.choices)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 8}))
    start_date = forms.DateField(label="公示开始", widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text="如遇节假日，顺延至下一个工作日开始。")
    workdays_count = forms.IntegerField(label="公示期（工作日）", min_value=1, max_value=60, initial=5,
                                        help_text="按法定工作日计算（含调休），默认 5 个工作日。")
    publish = forms.BooleanField(label="立即发布", required=False, initial=True,
                                 help_text="不勾选则保存为草稿，草稿不会出现在公开专栏。")
    reason = forms.CharField(label="修改说明", required=False, max_length=200)

    def __init__(self, *args, county, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["etown"].queryset = ETown.objects.filter(county=county).order_by("name")
        if editing:
            del self.fields["publish"]
            self.fields["reason"].required = True
            self.fields["reason"].help_text = "记入变更记录。"
        else:
            del self.fields["reason"]
            self.fields["start_date"].initial = timezone.localdate()

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        if value < timezone.localdate():
            raise ValidationError("公示开始日期不能早于今天。")
        return value


class OfflineObjectionForm(BootstrapMixin, forms.Form):
    subject = forms.CharField(label="标题", max_length=MAX_SUBJECT, initial="对公示的异议")
    content = forms.CharField(label="异议内容", max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label="提出人", max_length=50, required=False)
    contact = forms.CharField(label="联系方式", max_length=100, required=False)
