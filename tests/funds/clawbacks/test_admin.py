"""Clawback proposals (funds) and termination proposals (请示, supervision) in the admin
(issue 12): read-only for everyone (every change goes through the services), with useful
columns and filters, and shown only to government accounts (never to a contractor's or
agency's staff account, whatever model permissions it holds)."""
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.urls import reverse

from etown import services as etown_services
from funds.models import ClawbackProposal
from supervision.models import Termination

from ..helpers import AFTER_NOTICE
from .test_services import pay

pytestmark = pytest.mark.django_db

MODELS = [ClawbackProposal, Termination]


def changelist(model):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_registers_the_proposals_read_only(demo, rf, model):
    admin = site._registry[model]
    request = rf.get("/")
    request.user = demo.office
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    assert "status" in admin.list_display and "status" in admin.list_filter


def test_it_lists_a_clawback_proposal_for_a_superuser(demo, admin_client):
    pay(demo, "200000")
    etown_services.contract_terminate(contract=demo.contract, by=demo.office, basis="termination", reason="逾期未整改",
                                      decided_on=AFTER_NOTICE, document_number="临政函〔2026〕8号")  # → a proposal
    proposal = ClawbackProposal.objects.get()
    assert proposal.suggested_amount == Decimal("200000")
    page = admin_client.get(changelist(ClawbackProposal))
    assert page.status_code == 200 and demo.etown.name in page.content.decode()
    assert admin_client.get(changelist(Termination)).status_code == 200
    detail = reverse("admin:funds_clawbackproposal_change", args=[proposal.pk])
    assert admin_client.get(detail).status_code == 200
    assert admin_client.post(detail, {"status": "dismissed"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_hides_the_proposals_from_a_contractor_staff_account(demo, client_for, model):
    user = demo.contractor
    user.is_staff = True
    user.save()
    opts = model._meta
    user.user_permissions.add(Permission.objects.get(codename=f"view_{opts.model_name}",
                                                     content_type__app_label=opts.app_label))
    assert client_for(user).get(changelist(model)).status_code == 403


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_shows_the_proposals_to_a_government_staff_account_with_the_view_right(demo, client_for, model):
    user = demo.office
    user.is_staff = True
    user.save()
    opts = model._meta
    user.user_permissions.add(Permission.objects.get(codename=f"view_{opts.model_name}",
                                                     content_type__app_label=opts.app_label))
    assert client_for(user).get(changelist(model)).status_code == 200
