"""The auditor's "who changed what" across the county (004 §9(4): 县纪委、审计局等部门
全程跟踪督查; 004 annex 3 art. 9). Read-only; paged by a cursor (``before``) so every
page runs the same few queries however long the history grows."""
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from ..audit import record_denied
from ..forms import BootstrapMixin
from ..history import county_changes, trail_sources
from ..models import ETown, Role
from ..permissions import READ_REACH, can_view_change_trail, county_scope

PER_PAGE = 50


class TrailFilterForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label="操作人", queryset=get_user_model().objects.none(), required=False,
                                  empty_label="全部")
    label = forms.ChoiceField(label="记录类别", required=False)
    etown = forms.ModelChoiceField(label="项目", queryset=ETown.objects.none(), required=False, empty_label="全部")
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, county_ids, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(memberships__isnull=False)
        etowns = ETown.objects.all()
        if county_ids is not None:
            users = users.filter(memberships__county_id__in=county_ids)
            etowns = etowns.filter(county_id__in=county_ids)
        self.fields["user"].queryset = users.distinct().order_by("username")
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name() or u.username}（{u.username}）"
        self.fields["etown"].queryset = etowns.order_by("name")
        self.fields["label"].choices = [("", "全部")] + [(s.label, s.label) for s in trail_sources()]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError("截止日期不能早于起始日期。")
        return data


@login_required
def change_trail(request):
    verdict = can_view_change_trail(request.user)
    if not verdict:
        record_denied(request.user, "change_trail", verdict.reason, request=request)
        raise PermissionDenied(verdict.reason)
    nationwide, county_ids = county_scope(request.user, {Role.AUDITOR}, reach=READ_REACH)
    scope = None if nationwide else county_ids
    form = TrailFilterForm(request.GET or None, county_ids=scope)
    changes, next_cursor = [], ""
    filters = {}
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        filters = {
            "user_id": data["user"].pk if data.get("user") else None,
            "label": data.get("label") or "",
            "etown_id": data["etown"].pk if data.get("etown") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
        changes, next_cursor = county_changes(
            county_ids=scope, cursor=request.GET.get("before", ""), per_page=PER_PAGE, **filters
        )
    params = request.GET.copy()
    params.pop("before", None)
    return render(
        request,
        "etown/audit_trail.html",
        {
            "form": form,
            "changes": changes,
            "next_cursor": next_cursor,
            "querystring": params.urlencode(),
            "is_first_page": not request.GET.get("before"),
        },
    )
