"""The base of the funds forms. They validate input and show errors beside each field;
the services enforce the rules and their ValidationErrors land on the same forms."""
from decimal import Decimal

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_HELP = "单位：元，最多两位小数。"


def money_field(label, **kwargs):
    return forms.DecimalField(
        label=label, max_digits=16, decimal_places=2, min_value=Decimal("0.01"), help_text=kwargs.pop("help_text", MONEY_HELP),
        error_messages={"min_value": "金额须大于 0。", "invalid": "请输入金额（数字）。", "required": "请填写金额。",
                        "max_decimal_places": "金额最多两位小数。"},
        **kwargs,
    )


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (no inline styles: the CSP forbids them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class NoteForm(StyledForm):
    note = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写原因。"})
