"""Per-contract scoping of letters (issue 11; 004 附件2 第十一条 allows two contractors on
one e-town). A 督办函 about one contractor's items is addressed to that company; only its
staff see it (the other contractor gets 404 for the letter, its PDF and the actions, and
the services refuse it), and only they are told of it. Items of two contractors are not
put in one letter."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from etown.models import Notification
from supervision.models import SupervisionLetter
from supervision.services.letters import letter_acknowledge, letter_draft, letter_issue, letter_update
from supervision.services.rectification import rectification_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
K = SupervisionLetter.Kind


def make_item(demo, unit, problem):
    return rectification_create(etown=demo.etown, source="inspection", problem=problem, measures="", units=[unit],
                                persons=[], deadline=TODAY - datetime.timedelta(days=2), by=demo.office)


def issued(demo, items, capture):
    draft = letter_draft(etown=demo.etown, kind=K.FIRST, items=items, by=demo.office, today=TODAY)
    draft = letter_update(letter=draft, by=demo.office, today=TODAY, deadline=TODAY + datetime.timedelta(days=10))
    with capture(execute=True):
        letter_issue(letter=draft, by=demo.office, today=TODAY)
    draft.refresh_from_db()
    return draft


def test_it_addresses_and_shows_a_letter_only_to_its_contractor(demo, second_contract, client_for,
                                                                  django_capture_on_commit_callbacks):
    theirs = make_item(demo, "临猗县供销电商服务有限公司", "物流站点未建成")
    letter = issued(demo, [theirs], django_capture_on_commit_callbacks)
    assert letter.addressee_org == second_contract.contractor and letter.addressee == "临猗县供销电商服务有限公司"
    title = f"收到{letter.get_kind_display()}：{letter.number}"
    assert Notification.objects.filter(user=demo.contractor2, title=title).exists()
    assert not Notification.objects.filter(user=demo.contractor, title=title).exists()

    first = client_for(demo.contractor)
    for url in (f"/supervision/letters/{letter.pk}/", f"/supervision/letters/{letter.pk}/pdf/"):
        assert first.get(url).status_code == 404, url
    assert first.post(f"/supervision/letters/{letter.pk}/acknowledge/").status_code == 404
    assert letter.number not in first.get("/supervision/letters/").content.decode()
    assert letter.number not in first.get(f"/supervision/etowns/{demo.etown.pk}/letters/").content.decode()
    assert letter.pdf_id  # the stored PDF is the letter's: not served to the other contractor either
    assert first.get(f"/files/{letter.pdf_id}/").status_code == 404
    with pytest.raises(PermissionDenied):
        letter_acknowledge(letter=letter, by=demo.contractor)
    letter.refresh_from_db()
    assert letter.acknowledged_at is None

    second = client_for(demo.contractor2)
    assert second.get(f"/supervision/letters/{letter.pk}/").status_code == 200
    assert letter.number in second.get("/supervision/letters/").content.decode()
    assert second.get(f"/files/{letter.pdf_id}/").status_code == 200
    letter_acknowledge(letter=letter, by=demo.contractor2)
    assert client_for(demo.office).get(f"/supervision/letters/{letter.pk}/").status_code == 200


def test_it_refuses_one_letter_for_two_contractors_items(demo, second_contract):
    ours = make_item(demo, "临猗县涑水电子商务运营有限公司", "配送中心改造滞后")
    theirs = make_item(demo, "临猗县供销电商服务有限公司", "物流站点未建成")
    with pytest.raises(ValidationError, match="分属本项目不同的承办企业"):
        letter_draft(etown=demo.etown, kind=K.FIRST, items=[ours, theirs], by=demo.office, today=TODAY)
    assert not SupervisionLetter.objects.exists()


def test_it_starts_a_draft_with_one_contractors_overdue_items(demo, second_contract, client_for):
    ours = make_item(demo, "临猗县涑水电子商务运营有限公司", "配送中心改造滞后")
    theirs = make_item(demo, "临猗县供销电商服务有限公司", "物流站点未建成")
    response = client_for(demo.office).get(f"/supervision/etowns/{demo.etown.pk}/letters/new/?kind=1")
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["items"] == [ours.pk] and initial["addressee_org"] == demo.contract.contractor
    assert "每家单独发函" in response.content.decode()
    letter = letter_draft(etown=demo.etown, kind=K.FIRST, items=[theirs], by=demo.office, today=TODAY,
                          addressee_org=demo.contract.contractor)  # a stale form's addressee is corrected
    assert letter.addressee_org == second_contract.contractor


# The daily drafting sweep, per contractor (issue 11; 004 附件2 第十一条) ---------------------


def _sweep():
    from etown.notifications import run_sweeps

    return run_sweeps(TODAY, names=["supervision_letters_draft"])["supervision_letters_draft"]


def test_it_drafts_one_letter_per_contractor_with_only_its_own_items(demo, second_contract):
    ours = make_item(demo, "临猗县涑水电子商务运营有限公司", "配送中心改造滞后")
    theirs = make_item(demo, "临猗县供销电商服务有限公司", "物流站点未建成")
    assert _sweep() == 2
    drafts = {d.addressee_org_id: d for d in SupervisionLetter.objects.filter(etown=demo.etown, auto_drafted=True)}
    assert set(drafts) == {demo.contract.contractor_id, second_contract.contractor_id}
    first, second = drafts[demo.contract.contractor_id], drafts[second_contract.contractor_id]
    assert set(first.items.all()) == {ours} and set(second.items.all()) == {theirs}
    assert first.addressee == "临猗县涑水电子商务运营有限公司" and second.addressee == "临猗县供销电商服务有限公司"
    # A rerun creates nothing; a newly overdue item joins its own company's draft only.
    assert _sweep() == 0
    later = make_item(demo, "临猗县供销电商服务有限公司", "物流站点未运营")
    assert _sweep() == 1
    assert set(second.items.all()) == {theirs, later} and set(first.items.all()) == {ours}
    assert SupervisionLetter.objects.filter(etown=demo.etown, auto_drafted=True).count() == 2


def test_it_leaves_an_item_of_no_known_contractor_to_the_office_on_a_two_contractor_etown(demo, second_contract):
    """“承办企业” on an e-town with two contractors names neither: no letter guesses one;
    the office is told (once a day) to address it by hand."""
    generic = make_item(demo, "承办企业", "公共服务中心未按期运营")
    assert _sweep() == 0
    assert not SupervisionLetter.objects.filter(items=generic).exists()
    told = Notification.objects.filter(user=demo.office, kind="letter_unaddressed")
    assert told.count() == 1 and "未能确定承办企业" in told.get().title
    _sweep()
    assert told.count() == 1 and not SupervisionLetter.objects.filter(items=generic).exists()


def test_it_addresses_an_item_of_no_known_contractor_to_the_etowns_only_contractor(demo):
    item = rectification_create(etown=demo.etown, source="inspection", problem="门户网站未更新", measures="",
                                units=["某未登记单位"], persons=[], deadline=TODAY - datetime.timedelta(days=2),
                                by=demo.office)
    assert not item.organizations.exists()
    assert _sweep() == 1
    draft = SupervisionLetter.objects.get(items=item)
    assert draft.addressee_org == demo.contract.contractor


def test_it_keeps_one_open_auto_draft_per_etown_kind_and_addressee_in_the_database(demo, second_contract):
    from django.db import IntegrityError, transaction

    def auto(org, title):
        return SupervisionLetter.objects.create(county=demo.linyi, etown=demo.etown, kind=K.FIRST, auto_drafted=True,
                                                addressee_org=org, title=title)

    auto(demo.contract.contractor, "甲")
    auto(second_contract.contractor, "乙")  # another addressee: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        auto(second_contract.contractor, "乙重复")
    auto(None, "无主送")
    with pytest.raises(IntegrityError), transaction.atomic():
        auto(None, "无主送重复")  # no addressee counts as one addressee
