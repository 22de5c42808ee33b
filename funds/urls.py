from django.urls import path

from .views import changes, exports, ledger, overview, requests

app_name = "funds"

urlpatterns = [
    path("", overview.home, name="home"),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", requests.request_edit, name="request_edit"),
    path("requests/<int:pk>/form.pdf", exports.approval_form, name="approval_form"),
    path("requests/<int:pk>/materials/<int:material_pk>/remove/", requests.material_remove, name="material_remove"),
    path("requests/<int:pk>/<slug:action>/", requests.request_act, name="request_act"),
    path("etowns/<int:pk>/", overview.etown_overview, name="etown"),
    path("etowns/<int:pk>/requests/new/", requests.request_create, name="request_create"),
    path("etowns/<int:pk>/clawbacks/new/", overview.clawback_create, name="clawback_create"),
    path("proposals/<int:pk>/<slug:action>/", overview.proposal_act, name="proposal_act"),
    path("etowns/<int:pk>/ledger/", ledger.ledger, name="ledger"),
    path("etowns/<int:pk>/ledger/new/", ledger.ledger_create, name="ledger_create"),
    path("etowns/<int:pk>/ledger.xlsx", exports.export, {"what": "ledger"}, name="ledger_export"),
    path("etowns/<int:pk>/assets.xlsx", exports.export, {"what": "assets"}, name="assets_export"),
    path("ledger/<int:pk>/reverse/", ledger.ledger_reverse, name="ledger_reverse"),
    path("etowns/<int:pk>/assets/", ledger.assets, name="assets"),
    path("etowns/<int:pk>/assets/new/", ledger.asset_create, name="asset_create"),
    path("assets/<int:pk>/inspect/", ledger.asset_inspect, name="asset_inspect"),
    path("etowns/<int:pk>/changes/new/", changes.change_create, name="change_create"),
    path("changes/<int:pk>/", changes.change_detail, name="change_detail"),
    path("changes/<int:pk>/<slug:action>/", changes.change_act, name="change_act"),
    path("counties/<int:county_pk>/settings/", overview.policy_edit, name="policy"),
    path("counties/<int:county_pk>/chain/", overview.policy_chain_edit, name="chain"),
]
