"""Office and auditor pages behind the column, mounted at /column/ (sign-in required)."""
from django.urls import path

from . import views_manage, views_submissions

urlpatterns = [
    path("", views_manage.column_manage, name="column_manage"),
    path("etowns/<int:pk>/", views_manage.column_etown, name="column_etown"),
    path("documents/new/", views_manage.document_create, name="column_document_create"),
    path("documents/<int:pk>/publish/", views_manage.document_publish, name="column_document_publish"),
    path("documents/<int:pk>/unpublish/", views_manage.document_unpublish, name="column_document_unpublish"),
    path("submissions/", views_submissions.submission_list, name="submission_list"),
    path("submissions/<int:pk>/", views_submissions.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/accept/", views_submissions.submission_accept, name="submission_accept"),
    path("submissions/<int:pk>/reply/", views_submissions.submission_reply, name="submission_reply"),
    path("submissions/<int:pk>/publish/", views_submissions.submission_publish, name="submission_publish"),
    path("submissions/<int:pk>/assign/", views_submissions.submission_assign, name="submission_assign"),
    path("submissions/<int:pk>/close/", views_submissions.submission_close, name="submission_close"),
    path("submissions/<int:pk>/attachment/", views_submissions.submission_attachment, name="submission_attachment"),
]
