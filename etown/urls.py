from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import audit_trail, calendar, county_dashboard, files, history, notifications, registry
from .views import notices as notice_views

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
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password_change"),
    path("etowns/", registry.etown_list, name="etown_list"),
    path("etowns/new/", registry.etown_create, name="etown_create"),
    path("etowns/<int:pk>/", registry.etown_detail, name="etown_detail"),
    path("etowns/<int:pk>/edit/", registry.etown_edit, name="etown_edit"),
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
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read, name="notification_read"),
    path("public/", include("etown.public.urls")),
    path("column/", include("etown.public.urls_manage")),
    path("notices/", include(notice_urls)),
    path("audit/changes/", audit_trail.change_trail, name="change_trail"),
    path("county-dashboard/", county_dashboard.county_dashboard, name="county_dashboard"),
    path("supervision/", include("supervision.urls")),
    path("funds/", include("funds.urls")),
    path("acceptance/", include("acceptance.urls")),
    path("admin/", admin.site.urls),
]
