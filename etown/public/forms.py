"""Forms of the public windows and of the office pages behind the column."""
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from ..forms import BootstrapMixin
from ..models import ETown, Notice, PublicDocument, PublicProfile, PublicSubmission, Role
from ..uploads import DOCUMENTS, UploadField, check_upload
from . import ratelimit
from .services import MAX_CONTENT, MAX_REPLY, MAX_SUBJECT, section_choices

# A citizen's attachment is evidence, not an archive: one file, smaller than staff uploads.
PUBLIC_MAX_BYTES = 10 * 1024 * 1024


class PublicAttachmentField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", "可选。一个文件，接受 " + "、".join(t.label for t in DOCUMENTS) + f"，不超过 {PUBLIC_MAX_BYTES // 1048576} MB。"
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data:
            check_upload(data, DOCUMENTS, max_bytes=PUBLIC_MAX_BYTES)
        return data


class SubmissionForm(BootstrapMixin, forms.Form):
    """The opinion window and the report window (002 art. 16; 004 annex 3 art. 7)."""

    etown = forms.ModelChoiceField(
        label="涉及项目", queryset=ETown.objects.none(), required=False, empty_label="不涉及具体项目 / 其他",
    )
    subject = forms.CharField(
        label="标题", max_length=MAX_SUBJECT,
        error_messages={"required": "请填写标题。", "max_length": f"标题不超过 {MAX_SUBJECT} 字。"},
    )
    content = forms.CharField(
        label="内容", max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_CONTENT}),
        help_text=f"不超过 {MAX_CONTENT} 字。请写明时间、地点、事项等具体情况。",
        error_messages={"required": "请填写内容。", "max_length": f"内容不超过 {MAX_CONTENT} 字。"},
    )
    name = forms.CharField(label="姓名", max_length=50, required=False, help_text="可不填；姓名和联系方式都不填即为匿名。")
    contact = forms.CharField(
        label="联系方式", max_length=100, required=False, help_text="可不填。电话或电子邮箱，便于办理人员联系核实。",
    )
    attachment = PublicAttachmentField(label="附件")
    # The honeypot: hidden from people by CSS, left empty by them, filled in by bots.
    homepage = forms.CharField(
        label="个人主页（请勿填写）", required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, county, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["etown"].queryset = ETown.objects.filter(county=county, public_profile__is_published=True).order_by("name")
        if kind == PublicSubmission.Kind.REPORT:
            self.fields["subject"].label = "举报事项"
            self.fields["content"].label = "举报内容"
            self.fields["name"].help_text = "可不填。您的姓名和联系方式仅纪委监委、审计局办理人员可见。"
        if not self.is_bound:
            self.initial["stamp"] = ratelimit.form_stamp()

    def is_bot(self):
        """True when the honeypot was filled in (call after is_valid)."""
        return bool(self.data.get(ratelimit.HONEYPOT_FIELD, "").strip())

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != ratelimit.HONEYPOT_FIELD]


class LookupForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label="查询码", max_length=40, error_messages={"required": "请输入查询码。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text="提交时获得的查询码，如 ABCD-EFGH-JKLM-NPQR（不区分大小写）。",
    )


# Office pages ----------------------------------------------------------------------------


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


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.TextInput)


class ReplyForm(BootstrapMixin, forms.Form):
    reply = forms.CharField(label="答复内容", max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 5}))
    publish = forms.BooleanField(label="在专栏公开本条答复", required=False)
    public_question = forms.CharField(
        label="公开的问题摘要", required=False, max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="公开时显示的问题，请删去姓名、电话等个人信息。",
    )

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        if submission.kind != PublicSubmission.Kind.OPINION:
            del self.fields["publish"]
            del self.fields["public_question"]


class PublishReplyForm(BootstrapMixin, forms.Form):
    publish = forms.BooleanField(label="公开", required=False)
    public_question = forms.CharField(
        label="公开的问题摘要", required=False, max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(BootstrapMixin, forms.Form):
    handler = forms.ModelChoiceField(label="承办人", queryset=get_user_model().objects.none(), empty_label="（不指定）",
                                     required=False)

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = (
            get_user_model().objects.filter(is_active=True, memberships__role=Role.OFFICE, memberships__county=county)
            .distinct().order_by("username")
        )
        self.fields["handler"].label_from_instance = lambda u: u.get_full_name() or u.username


class SubmissionFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部")] + PublicSubmission.Kind.choices)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + PublicSubmission.Status.choices)


class OfflineObjectionForm(BootstrapMixin, forms.Form):
    subject = forms.CharField(label="标题", max_length=MAX_SUBJECT, initial="对公示的异议")
    content = forms.CharField(label="异议内容", max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label="提出人", max_length=50, required=False)
    contact = forms.CharField(label="联系方式", max_length=100, required=False)


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


def profile_initial(profile):
    if profile is None:
        return {"is_published": False, "sections": [PublicProfile.SECTION_PROGRESS, PublicProfile.SECTION_INDICATORS]}
    return {"is_published": profile.is_published, "sections": profile.sections, "summary": profile.summary}
