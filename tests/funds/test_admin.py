"""The funds records are read-only in the admin: every change goes through the services."""
import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from funds.models import Asset, ChangeRequest, Clawback, DisbursementRequest, LedgerEntry

from .helpers import new_request

MODELS = [DisbursementRequest, ChangeRequest, LedgerEntry, Asset, Clawback]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_shows_the_records_read_only_in_the_admin(demo, admin_client, rf, model):
    new_request(demo)
    admin = site._registry[model]
    request = rf.get("/")
    request.user = demo.office
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    opts = model._meta
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
