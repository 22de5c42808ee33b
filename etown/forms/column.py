"""Forms of the office pages behind the column: an e-town's page and its sections,
and the column's documents."""
from django import forms

from ..models import PublicDocument, PublicProfile
from ..services.column import section_choices
from ..uploads import DOCUMENTS, UploadField
from .common import BootstrapMixin


class ProfileForm(BootstrapMixin, forms.Form):
    is_published = forms.BooleanField(label="在公开专栏公开本项目", required=False)
    sections = forms.MultipleChoiceField(
        label="公开栏目", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="项目基本情况（名称、类型、主导产业、计划投资、阶段）随项目公开；以下栏目须逐项勾选。",
    )
    summary = forms.CharField(label="专栏简介", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    reason = forms.CharField(label="变更说明", required=False, max_length=200, help_text="记入变更记录，可留空。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = section_choices()
        self.fields["sections"].widget.attrs["class"] = "form-check-input"


class DocumentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="文件类别", choices=PublicDocument.Kind.choices)
    title = forms.CharField(label="文件标题", max_length=200)
    issued_on = forms.DateField(label="印发日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    upload = UploadField(label="文件", allowed=DOCUMENTS)
    publish = forms.BooleanField(label="上传后立即公开", required=False)


def profile_initial(profile):
    if profile is None:
        return {"is_published": False, "sections": [PublicProfile.SECTION_PROGRESS, PublicProfile.SECTION_INDICATORS]}
    return {"is_published": profile.is_published, "sections": profile.sections, "summary": profile.summary}
