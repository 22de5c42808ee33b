"""Who may handle the public column, opinions and reports.

- The county office publishes the column and its documents, manages notices, and
  handles opinions (意见建议).
- Reports of wrongdoing (举报) are for the audit and discipline roles only (审计局,
  纪委监委: 004 annex 3 art. 9, 004 §9(4)); an office staff member sees one only when an
  auditor assigns it to them, and never sees who sent it. Contractors and agencies see
  none of the windows' messages.
- Auditors read everything of their county, opinions included, and the change trail.

Each ``can_<verb>(user, obj)`` returns an ``etown.permissions.Verdict``.
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from ..audit import record_denied
from ..models import COUNTY_WIDE_ROLES, PublicSubmission, Role
from ..permissions import ALLOW, Verdict, county_scope, has_scope, in_scope


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
