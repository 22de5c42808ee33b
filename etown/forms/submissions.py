"""Forms of the public windows (002 art. 16; 004 annex 3 art. 7) and of the pages
behind sign-in that handle their messages."""
from django import forms
from django.contrib.auth import get_user_model

from .. import ratelimit
from ..models import ETown, PublicSubmission, Role
from ..services.submissions import MAX_CONTENT, MAX_REPLY, MAX_SUBJECT
from ..uploads import DOCUMENTS, accept_attr, check_upload
from .common import BootstrapMixin

# A citizen's attachment is evidence, not an archive: one file, smaller than staff uploads.
PUBLIC_MAX_BYTES = 10 * 1024 * 1024


class PublicAttachmentField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", "可选。一个文件，接受 " + "、".join(t.label for t in DOCUMENTS) + f"，不超过 {PUBLIC_MAX_BYTES // 1048576} MB。"
        )
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": accept_attr(DOCUMENTS)}

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
