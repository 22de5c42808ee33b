from django import forms
from django.utils import timezone

from etown.forms import BootstrapMixin
from etown.uploads import DOCUMENTS, MultiUploadField

from ..models import Rectification, SupervisionLetter


def _item_label(item):
    return f"{item.ref + '．' if item.ref else ''}{item.problem[:60]}（期限 {item.due_date:%Y-%m-%d}）"


class LetterForm(BootstrapMixin, forms.ModelForm):
    items = forms.ModelMultipleChoiceField(
        label="督办的整改事项", queryset=Rectification.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项整改事项。"},
    )

    class Meta:
        model = SupervisionLetter
        fields = [
            "items", "title", "addressee", "opening", "requirements", "deadline", "contact_person", "contact_phone",
            "cc", "signature",
        ]
        widgets = {"opening": forms.Textarea(attrs={"rows": 3}), "requirements": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, eligible, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = eligible
        self.fields["items"].label_from_instance = _item_label
        self.fields["items"].widget.attrs["class"] = "form-check-input"
        self.kind = kind
        if kind == SupervisionLetter.Kind.FIRST:
            self.fields["confirm_shorten"] = forms.BooleanField(
                label="确认提前所列事项的整改期限", required=False,
                help_text="整改期限早于事项原定期限时须勾选：印发后这些事项的期限将提前。",
            )
        if kind == SupervisionLetter.Kind.TERMINATION:
            del self.fields["deadline"]
        else:
            self.fields["deadline"].required = True
            self.fields["deadline"].error_messages["required"] = "请填写整改期限。"
            self.fields["deadline"].help_text = "印发后，所列事项的整改期限改为此日期。"

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline <= timezone.localdate():
            raise forms.ValidationError("整改期限须晚于今天。")
        return deadline

    def clean(self):
        """A first letter whose deadline comes before an item's own deadline brings that
        deadline forward: say which items and ask for a confirmation (issue 15)."""
        data = super().clean()
        deadline, items = data.get("deadline"), data.get("items")
        if self.kind != SupervisionLetter.Kind.FIRST or not deadline or not items:
            return data
        shortened = [i for i in items if i.due_date and i.due_date > deadline]
        if shortened and not data.get("confirm_shorten"):
            names = "；".join(f"“{i.problem[:20]}”（现期限 {i.due_date:%Y-%m-%d}）" for i in shortened)
            self.add_error("confirm_shorten", f"印发后以下事项的整改期限将提前到 {deadline:%Y-%m-%d}：{names}。"
                                              "如确需提前，请勾选确认。")
        return data


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200, error_messages={"required": "请填写作废原因。"})


class AnswerForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写整改情况。"})
    files = MultiUploadField(label="佐证材料", allowed=DOCUMENTS)


class InterviewForm(BootstrapMixin, forms.Form):
    held_on = forms.DateField(label="约谈日期", error_messages={"required": "请填写约谈日期。"})
    location = forms.CharField(label="地点", max_length=100, required=False)
    interviewee = forms.CharField(label="被约谈人", max_length=50, error_messages={"required": "请填写被约谈人。"})
    interviewee_title = forms.CharField(label="被约谈人职务", max_length=50, required=False)
    interviewers = forms.CharField(label="约谈人", max_length=200, help_text="多人用顿号分隔。",
                                   error_messages={"required": "请填写约谈人。"})
    reason = forms.CharField(label="约谈事由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写约谈事由。"})
    summary = forms.CharField(label="约谈内容及整改承诺", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写约谈内容。"})
    items = forms.ModelMultipleChoiceField(label="涉及的整改事项", queryset=Rectification.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    files = MultiUploadField(label="约谈记录及材料", allowed=DOCUMENTS)

    def __init__(self, *args, etown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = etown.rectifications.exclude(status=Rectification.Status.CLOSED)
        self.fields["items"].label_from_instance = _item_label
        self.fields["items"].widget.attrs["class"] = "form-check-input"
        self.fields["held_on"].initial = timezone.localdate()
