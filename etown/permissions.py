"""Who may see and do what on the registry.

County-wide roles (office, reviewer, leading group, auditor) read every e-town of their
county (or of the province when their membership has no county). Contractors and
third-party agencies read only the e-towns their organisation is assigned to, through
django-guardian object permissions granted to the organisation's group.

The ``can_<verb>(user, obj)`` functions return a ``Verdict``: truthy when allowed, with
a Chinese reason when not, so views and templates can say why a button is missing.

The public column and its windows:

- The county office publishes the column and its documents, manages notices, and
  handles opinions (意见建议).
- Reports of wrongdoing (举报) are for the audit and discipline roles only (审计局,
  纪委监委: 004 annex 3 art. 9, 004 §9(4)); an office staff member sees one only when an
  auditor assigns it to them, and never sees who sent it. Contractors and agencies see
  none of the windows' messages.
- Auditors read everything of their county, opinions included, and the change trail.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from .audit import record_denied
from .models import COUNTY_WIDE_ROLES, ETown, PublicSubmission, Role


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


ALLOW = Verdict(True)


def require(verdict):
    """Raise PermissionDenied (403) with the verdict's Chinese reason when it refuses.
    Services call it on their actor, whoever calls them; views on the request's user."""
    if not verdict:
        raise PermissionDenied(verdict.reason)


def memberships(user):
    """The user's memberships, loaded once per request (cached on the user object)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_etown_memberships", None)
    if cached is None:
        cached = list(user.memberships.select_related("county", "organization"))
        user._etown_memberships = cached
    return cached


def roles(user):
    return {m.role for m in memberships(user)}


def has_role(user, *wanted):
    return bool(roles(user) & set(wanted))


def county_scope(user, wanted_roles=COUNTY_WIDE_ROLES):
    """(province_wide, county_ids) over the memberships with one of ``wanted_roles``."""
    province_wide = False
    county_ids = set()
    for m in memberships(user):
        if m.role in wanted_roles:
            if m.county_id is None:
                province_wide = True
            else:
                county_ids.add(m.county_id)
    return province_wide, county_ids


def in_scope(user, county_id, wanted_roles=COUNTY_WIDE_ROLES):
    """Does one of the user's memberships with a role in ``wanted_roles`` cover the county?
    The one scope test of the portal: every app asks it here, never by hand."""
    province_wide, county_ids = county_scope(user, wanted_roles)
    return province_wide or county_id in county_ids


def has_scope(user, wanted_roles=COUNTY_WIDE_ROLES):
    """Does the user hold one of ``wanted_roles`` for at least one county (or province-wide)?"""
    province_wide, county_ids = county_scope(user, wanted_roles)
    return province_wide or bool(county_ids)


def visible_etowns(user, base=None):
    """Every e-town the user may read, as a queryset (one query when evaluated, plus
    guardian's permission look-up)."""
    base = ETown.objects.all() if base is None else base
    if not user.is_authenticated:
        return base.none()
    province_wide, county_ids = county_scope(user)
    if province_wide:
        return base
    condition = Q(county_id__in=county_ids)
    if has_role(user, Role.CONTRACTOR, Role.AGENCY):
        assigned = get_objects_for_user(
            user, "etown.view_etown", klass=ETown.objects.all(), accept_global_perms=False, with_superuser=False
        )
        condition |= Q(pk__in=assigned.values("pk"))
    return base.filter(condition)


def can_view_etown(user, etown):
    if in_scope(user, etown.county_id, COUNTY_WIDE_ROLES):
        return ALLOW
    if has_role(user, Role.CONTRACTOR, Role.AGENCY) and user.has_perm("etown.view_etown", etown):
        return ALLOW
    return Verdict(False, "您无权查看该项目。")


def can_manage_registry(user, county_id):
    """Register e-towns and edit their contracts, tasks and targets: the county's office."""
    if in_scope(user, county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "仅领导小组办公室可以登记和修改项目信息。")


def can_edit_etown(user, etown):
    return can_manage_registry(user, etown.county_id)


def can_report_for(user, etown):
    """File reports, ledger entries and responses as the e-town's contractor."""
    if has_role(user, Role.CONTRACTOR) and user.has_perm("etown.report_etown", etown):
        return ALLOW
    return Verdict(False, "仅该项目的承办企业可以填报。")


def can_inspect(user, etown):
    if in_scope(user, etown.county_id, {Role.OFFICE}):
        return ALLOW
    if has_role(user, Role.AGENCY) and user.has_perm("etown.inspect_etown", etown):
        return ALLOW
    return Verdict(False, "仅领导小组办公室或受委托的第三方机构可以开展检查。")


def office_counties(user):
    """Counties in which the user may register e-towns (for the create form)."""
    from .models import County

    province_wide, county_ids = county_scope(user, {Role.OFFICE})
    return County.objects.all() if province_wide else County.objects.filter(pk__in=county_ids)


def authorize_etown(user, etown, *, write=None):
    """404 when the user may not see the e-town (an outsider learns nothing, not even
    that it exists); 403 when they may see it but ``write`` (a ``can_`` function)
    refuses. Refusals go to the security audit log."""
    if not can_view_etown(user, etown):
        record_denied(user, f"etown:{etown.pk}", "无权查看")
        raise Http404("项目不存在")
    if write is not None:
        verdict = write(user, etown)
        if not verdict:
            record_denied(user, f"etown:{etown.pk}", verdict.reason)
            raise PermissionDenied(verdict.reason)
    return etown


def get_etown_for(user, pk, *, write=None):
    """Fetch an e-town and authorise in one step (see ``authorize_etown``)."""
    try:
        etown = ETown.objects.select_related("county").get(pk=pk)
    except (ETown.DoesNotExist, ValueError, TypeError):
        raise Http404("项目不存在")
    return authorize_etown(user, etown, write=write)


def get_child_for(user, model, pk, *, write=None, related=()):
    """Fetch a record that hangs off an e-town (contract, task, indicator, report …) and
    authorise through its e-town, with the same 404/403 rules."""
    try:
        obj = model.objects.select_related("etown__county", *related).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在")
    authorize_etown(user, obj.etown, write=write)
    return obj


# The public column and its windows --------------------------------------------------


def _in(user, county_id, roles):
    return in_scope(user, county_id, roles)


def can_manage_column(user, county_id):
    if _in(user, county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "仅领导小组办公室可以管理公开专栏和公示。")


def can_view_submission(user, submission):
    if submission.kind == PublicSubmission.Kind.REPORT:
        if _in(user, submission.county_id, {Role.AUDITOR}):
            return ALLOW
        if submission.handler_id and submission.handler_id == user.pk and _in(user, submission.county_id, {Role.OFFICE}):
            return ALLOW
        return Verdict(False, "举报件仅纪检监察、审计人员及其指定的承办人可以查看。")
    if _in(user, submission.county_id, COUNTY_WIDE_ROLES):
        return ALLOW
    return Verdict(False, "您无权查看该意见。")


def can_see_sender(user, submission):
    """The sender's name and contact: for a report the audit roles alone; for an
    opinion also the office that answers it."""
    roles = {Role.AUDITOR} if submission.kind == PublicSubmission.Kind.REPORT else {Role.AUDITOR, Role.OFFICE}
    if _in(user, submission.county_id, roles):
        return ALLOW
    return Verdict(False, "来信人信息仅办理人员可见。")


def can_handle_submission(user, submission):
    """Accept, reply to and close: the office for opinions, the audit roles for reports."""
    if submission.status == PublicSubmission.Status.CLOSED:
        return Verdict(False, "该件已办结。")
    if submission.kind == PublicSubmission.Kind.REPORT:
        if _in(user, submission.county_id, {Role.AUDITOR}):
            return ALLOW
        return Verdict(False, "举报件由纪检监察、审计人员办理。")
    if _in(user, submission.county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "意见建议由领导小组办公室办理。")


def can_assign_submission(user, submission):
    if submission.kind != PublicSubmission.Kind.REPORT:
        return Verdict(False, "只有举报件需要指定承办人。")
    if submission.status == PublicSubmission.Status.CLOSED:
        return Verdict(False, "该件已办结。")
    if _in(user, submission.county_id, {Role.AUDITOR}):
        return ALLOW
    return Verdict(False, "仅纪检监察、审计人员可以指定举报件的承办人。")


def can_publish_reply(user, submission):
    if submission.kind != PublicSubmission.Kind.OPINION:
        return Verdict(False, "举报件的答复不公开。")
    if not submission.reply:
        return Verdict(False, "尚未答复，不能公开。")
    if _in(user, submission.county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "仅领导小组办公室可以公开答复。")


def can_view_change_trail(user):
    if has_scope(user, {Role.AUDITOR}):
        return ALLOW
    return Verdict(False, "变更追溯仅审计、纪检监察人员可以查看。")


def can_view_county_dashboard(user):
    if has_scope(user):
        return ALLOW
    return Verdict(False, "县级看板仅政府部门人员可以查看。")


def visible_submissions(user):
    """The messages the user may open, as a queryset: opinions of their county for the
    county-wide roles; reports for the audit roles, or the ones assigned to them."""
    qs = PublicSubmission.objects.all()
    if not user.is_authenticated:
        return qs.none()
    wide_all, wide = county_scope(user, COUNTY_WIDE_ROLES)
    audit_all, audit = county_scope(user, {Role.AUDITOR})
    office_all, office = county_scope(user, {Role.OFFICE})
    opinion = Q(kind=PublicSubmission.Kind.OPINION)
    if not wide_all:
        opinion &= Q(county_id__in=wide)
    report = Q(kind=PublicSubmission.Kind.REPORT)
    if not audit_all:
        assigned = Q(handler=user)
        if not office_all:
            assigned &= Q(county_id__in=office)
        report &= Q(county_id__in=audit) | assigned
    if not (wide_all or wide):
        return qs.none()
    return qs.filter(opinion | report)


def get_submission_for(user, pk, *, write=None, request=None):
    """Fetch and authorise one message: 404 when the user may not see it (an outsider
    learns nothing, not even that a report exists), 403 when ``write`` refuses."""
    try:
        submission = PublicSubmission.objects.select_related(
            "county", "etown", "notice", "attachment", "handler", "replied_by"
        ).get(pk=pk)
    except (PublicSubmission.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在")
    verdict = can_view_submission(user, submission)
    if not verdict:
        record_denied(user, f"submission:{pk}", verdict.reason, request=request)
        raise Http404("记录不存在")
    if write is not None:
        verdict = write(user, submission)
        if not verdict:
            record_denied(user, f"submission:{pk}", verdict.reason, request=request)
            raise PermissionDenied(verdict.reason)
    return submission
