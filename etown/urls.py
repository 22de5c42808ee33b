from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import audit_trail, calendar, column, county_dashboard, files, history, notifications, public, registry
from .views import filing, regional_dashboard
from .db_router import replica_reads
from .views import jobs as job_views
from .views import notices as notice_views
from .views import session, submissions, twofactor

# Public pages, mounted at /public/: no sign-in.
public_urls = [
    path("", public.column_index, name="public_index"),
    path("county/<int:county_pk>/", public.county_column, name="public_county"),
    path("county/<int:county_pk>/notices/", public.notice_list, name="public_notices"),
    path("county/<int:county_pk>/replies/", public.reply_list, name="public_replies"),
    path("county/<int:county_pk>/window/<str:kind>/", public.submit, name="public_submit"),
    path("county/<int:county_pk>/data.json", replica_reads(public.county_data), {"fmt": "json"}, name="public_county_json"),
    path("county/<int:county_pk>/data.csv", replica_reads(public.county_data), {"fmt": "csv"}, name="public_county_csv"),
    path("etown/<int:pk>/", public.etown_column, name="public_etown"),
    path("etown/<int:pk>/data.json", replica_reads(public.etown_data), {"fmt": "json"}, name="public_etown_json"),
    path("etown/<int:pk>/data.csv", replica_reads(public.etown_data), {"fmt": "csv"}, name="public_etown_csv"),
    path("notice/<int:pk>/", public.notice_detail, name="public_notice"),
    path("document/<int:pk>/", public.public_file, name="public_file"),
    path("receipt/", public.receipt, name="public_receipt"),
    path("track/", public.track, name="public_track"),
    path("data-format.json", public.data_format, name="public_data_format"),
]

# Office and auditor pages behind the column, mounted at /column/ (sign-in required).
column_urls = [
    path("", column.column_manage, name="column_manage"),
    path("etowns/<int:pk>/", column.column_etown, name="column_etown"),
    path("documents/new/", column.document_create, name="column_document_create"),
    path("documents/<int:pk>/publish/", column.document_publish, name="column_document_publish"),
    path("documents/<int:pk>/unpublish/", column.document_unpublish, name="column_document_unpublish"),
    path("submissions/", submissions.submission_list, name="submission_list"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/accept/", submissions.submission_accept, name="submission_accept"),
    path("submissions/<int:pk>/reply/", submissions.submission_reply, name="submission_reply"),
    path("submissions/<int:pk>/publish/", submissions.submission_publish, name="submission_publish"),
    path("submissions/<int:pk>/assign/", submissions.submission_assign, name="submission_assign"),
    path("submissions/<int:pk>/close/", submissions.submission_close, name="submission_close"),
    path("submissions/<int:pk>/attachment/", submissions.submission_attachment, name="submission_attachment"),
]

notice_urls = [
    path("", notice_views.notice_list, name="notice_list"),
    path("new/", notice_views.notice_create, name="notice_create"),
    path("<int:pk>/", notice_views.notice_detail, name="notice_detail"),
    path("<int:pk>/edit/", notice_views.notice_edit, name="notice_edit"),
    path("<int:pk>/publish/", notice_views.notice_publish, name="notice_publish"),
    path("<int:pk>/withdraw/", notice_views.notice_withdraw, name="notice_withdraw"),
    path("<int:pk>/objection/", notice_views.notice_objection, name="notice_objection"),
]

urlpatterns = [
    path("", registry.dashboard, name="dashboard"),
    path("favicon.ico", public.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/session/ping/", session.session_ping, name="session_ping"),
    path("accounts/2fa/setup/", twofactor.twofactor_setup, name="twofactor_setup"),
    path("accounts/2fa/verify/", twofactor.twofactor_verify, name="twofactor_verify"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password_change"),
    path("etowns/", registry.etown_list, name="etown_list"),
    path("etowns/new/", registry.etown_create, name="etown_create"),
    path("etowns/<int:pk>/", registry.etown_detail, name="etown_detail"),
    path("etowns/<int:pk>/edit/", registry.etown_edit, name="etown_edit"),
    path("etowns/<int:pk>/plan-notice/<str:kind>/", filing.plan_notice, name="plan_notice"),
    path("etowns/<int:pk>/plan-filing/<str:kind>/", filing.plan_filing, name="plan_filing"),
    path("etowns/<int:pk>/history/", history.etown_history, name="etown_history"),
    path("etowns/<int:pk>/contracts/new/", registry.contract_create, name="contract_create"),
    path("contracts/<int:pk>/edit/", registry.contract_edit, name="contract_edit"),
    path("etowns/<int:pk>/tasks/new/", registry.task_create, name="task_create"),
    path("tasks/<int:pk>/edit/", registry.task_edit, name="task_edit"),
    path("etowns/<int:pk>/indicators/new/", registry.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", registry.indicator_edit, name="indicator_edit"),
    path("etowns/<int:pk>/agencies/", registry.agency_assign, name="agency_assign"),
    path("etowns/<int:pk>/agencies/<int:org_pk>/remove/", registry.agency_remove, name="agency_remove"),
    path("organizations/", registry.organization_list, name="organization_list"),
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("files/<int:pk>/", files.file_download, name="file_download"),
    path("jobs/", job_views.job_list, name="job_list"),
    path("jobs/<int:pk>/retry/", job_views.job_retry, name="job_retry"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read, name="notification_read"),
    path("public/", include(public_urls)),
    path("column/", include(column_urls)),
    path("notices/", include(notice_urls)),
    path("audit/changes/", replica_reads(audit_trail.change_trail), name="change_trail"),
    path("county-dashboard/", replica_reads(county_dashboard.county_dashboard), name="county_dashboard"),
    path("region/", replica_reads(regional_dashboard.regional_dashboard), name="regional_dashboard"),
    path("supervision/", include("supervision.urls")),
    path("funds/", include("funds.urls")),
    path("acceptance/", include("acceptance.urls")),
    path("admin/", admin.site.urls),
]

# Chinese error pages with DEBUG off (issue 13): etown.views.errors.
handler400 = "etown.views.errors.bad_request"
handler403 = "etown.views.errors.permission_denied"
handler404 = "etown.views.errors.page_not_found"
handler500 = "etown.views.errors.server_error"
