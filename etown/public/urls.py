"""Public pages, mounted at /public/: no sign-in."""
from django.urls import path

from . import views

urlpatterns = [
    path("", views.column_index, name="public_index"),
    path("county/<int:county_pk>/", views.county_column, name="public_county"),
    path("county/<int:county_pk>/notices/", views.notice_list, name="public_notices"),
    path("county/<int:county_pk>/replies/", views.reply_list, name="public_replies"),
    path("county/<int:county_pk>/window/<str:kind>/", views.submit, name="public_submit"),
    path("county/<int:county_pk>/data.json", views.county_data, {"fmt": "json"}, name="public_county_json"),
    path("county/<int:county_pk>/data.csv", views.county_data, {"fmt": "csv"}, name="public_county_csv"),
    path("etown/<int:pk>/", views.etown_column, name="public_etown"),
    path("etown/<int:pk>/data.json", views.etown_data, {"fmt": "json"}, name="public_etown_json"),
    path("etown/<int:pk>/data.csv", views.etown_data, {"fmt": "csv"}, name="public_etown_csv"),
    path("notice/<int:pk>/", views.notice_detail, name="public_notice"),
    path("document/<int:pk>/", views.public_file, name="public_file"),
    path("receipt/", views.receipt, name="public_receipt"),
    path("track/", views.track, name="public_track"),
    path("data-format.json", views.data_format, name="public_data_format"),
]
