"""Form machinery every app uses (``BootstrapMixin``), and the reason fields of
edits and refusals."""
from django import forms


class BootstrapMixin:
    """Adds Bootstrap classes; error messages are shown beside each field by
    templates/partials/form_fields.html."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(field, forms.DateField):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def is_valid(self):
        valid = super().is_valid()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
        return valid


class ReasonMixin(forms.Form):
    reason = forms.CharField(
        label="修改原因", max_length=200,
        help_text="将记入变更记录，供审计查阅。",
        error_messages={"required": "请填写修改原因。"},
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.TextInput)
