"""The auditor's "who changed what" across the county (004 §9(4): 县纪委、审计局等部门
全程跟踪督查; 004 annex 3 art. 9). Read-only; paged by a cursor (``before``) so every
page runs the same few queries however long the history grows."""
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render

from ..audit import record_denied
from ..forms import BootstrapMixin
from ..history import county_changes, trail_sources
from ..models import ETown, Role
from ..permissions import READ_REACH, can_view_change_trail, county_scope, scope_label
from .common import bounded_options

PER_PAGE = 50


def _options(queryset, label):
    """[(pk, label)] for a filter's list, or None over a province or the country, where
    the filter is a search by name (``bounded_options``: 1,500 e-towns as options were
    most of a national auditor's page, issue 16)."""
    rows = bounded_options(queryset)
    return None if rows is None else [(row.pk, label(row)) for row in rows]


class TrailFilterForm(BootstrapMixin, forms.Form):
    user = forms.TypedChoiceField(label="操作人", coerce=int, empty_value=None, required=False)
    user_q = forms.CharField(label="操作人", max_length=50, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "姓名或用户名"}))
    label = forms.ChoiceField(label="记录类别", required=False)
    etown = forms.TypedChoiceField(label="项目", coerce=int, empty_value=None, required=False)
    etown_q = forms.CharField(label="项目", max_length=50, required=False,
                              widget=forms.TextInput(attrs={"placeholder": "项目名称"}))
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, county_ids, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(memberships__isnull=False)
        etowns = ETown.objects.all()
        if county_ids is not None:
            users = users.filter(memberships__county_id__in=county_ids)
            etowns = etowns.filter(county_id__in=county_ids)
        self.users = users.distinct()
        self.etowns = etowns
        user_options = _options(
            self.users.order_by("username").only("pk", "username", "first_name", "last_name"),
            lambda u: f"{u.get_full_name() or u.username}（{u.username}）",
        )
        etown_options = _options(etowns.order_by("name").only("pk", "name"), lambda e: e.name)
        for name, options in (("user", user_options), ("etown", etown_options)):
            if options is None:
                del self.fields[name]  # a wide scope: the search box instead
            else:
                self.fields[name].choices = [("", "全部"), *options]
                del self.fields[f"{name}_q"]
        self.fields["label"].choices = [("", "全部")] + [(s.label, s.label) for s in trail_sources()]
        self.order_fields(["user", "user_q", "label", "etown", "etown_q", "date_from", "date_to"])

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError("截止日期不能早于起始日期。")
        return data

    def filters(self):
        """The trail's filters from the valid form: a chosen user or e-town by id, a search
        by name as the ids of the matching ones (a subquery, however many match)."""
        data = self.cleaned_data
        filters = {
            "user_id": data.get("user"), "etown_id": data.get("etown"), "label": data.get("label") or "",
            "date_from": data.get("date_from"), "date_to": data.get("date_to"),
        }
        if data.get("user_q"):
            q = data["user_q"]
            filters["user_ids"] = self.users.filter(
                Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
            ).values("pk")
        if data.get("etown_q"):
            filters["etown_ids"] = self.etowns.filter(name__icontains=data["etown_q"]).values("pk")
        return filters


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
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
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
            "area": scope_label(request.user),
        },
    )
