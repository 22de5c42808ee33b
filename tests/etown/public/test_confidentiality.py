"""Who sees a report of wrongdoing (举报), and who handles what.

Reports are for the discipline and audit roles (004 annex 3 art. 9: 发挥纪委监委、审计职能;
004 §9(4)); an office staff member sees one only when an auditor assigns it, and never
its sender; contractors see nothing. Opinions are handled by the office; the auditor
reads everything of the county but answers only reports (DESIGN.md: auditor = read-only,
including 举报)."""
import pytest
from django.urls import reverse

from etown.models import AuditEvent, PublicSubmission
from etown.permissions import visible_submissions
from etown.services import submissions as services

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db

SENDER = ("赵举报", "13600009999")


@pytest.fixture
def report(column):
    submission, _ = services.submission_create(
        county=column.linyi, kind="report", subject="挪用专项资金", content="承办企业把专项资金用于购买私家车。",
        etown=column.etown, name=SENDER[0], contact=SENDER[1], upload=pdf_upload("发票照片.pdf"),
    )
    return submission


@pytest.fixture
def opinion(column):
    submission, _ = services.submission_create(
        county=column.linyi, kind="opinion", subject="增加培训场次", content="希望增加培训场次。", name="钱建议",
        contact="13500001111",
    )
    return submission


def test_it_shows_a_report_with_its_sender_to_the_auditor_only(column, report, client_for):
    page = client_for(column.auditor).get(reverse("submission_detail", args=[report.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "挪用专项资金" in text and SENDER[0] in text and SENDER[1] in text


@pytest.mark.parametrize("who", ["office", "finance", "leader", "agency", "contractor", "contractor2"])
def test_it_hides_a_report_from_everyone_else(column, report, client_for, who):
    user = getattr(column, who)
    client = client_for(user)
    for name in ["submission_detail", "submission_attachment"]:
        assert client.get(reverse(name, args=[report.pk])).status_code == 404
    listing = client.get(reverse("submission_list"))
    assert "挪用专项资金" not in listing.content.decode()
    assert not visible_submissions(user).filter(pk=report.pk).exists()
    # The refusal is in the security audit log.
    assert AuditEvent.objects.filter(kind="denied", user=user, detail__startswith=f"submission:{report.pk}").exists()


def test_it_hides_a_report_from_another_county(column, report, anze_office, client_for):
    assert client_for(anze_office).get(reverse("submission_detail", args=[report.pk])).status_code == 404


def test_it_lets_an_assigned_office_handler_read_the_report_but_not_its_sender(column, report, client_for):
    services.submission_assign(submission=report, handler=column.office, by=column.auditor)
    client = client_for(column.office)
    text = client.get(reverse("submission_detail", args=[report.pk])).content.decode()
    assert "挪用专项资金" in text
    assert SENDER[0] not in text and SENDER[1] not in text
    assert "来信人信息仅办理人员可见" in text
    assert "挪用专项资金" in client.get(reverse("submission_list")).content.decode()
    attachment = client.get(reverse("submission_attachment", args=[report.pk]))
    assert attachment.status_code == 200 and attachment["X-Content-Type-Options"] == "nosniff"
    # Reading is not handling: the reply stays with the audit roles.
    assert client.post(reverse("submission_reply", args=[report.pk]), {"reply": "已核实"}).status_code == 403
    assert client.post(reverse("submission_assign", args=[report.pk]), {"handler": ""}).status_code == 403
    report.refresh_from_db()
    assert report.reply == ""


def test_it_stops_the_handler_reading_once_unassigned(column, report, client_for):
    services.submission_assign(submission=report, handler=column.office, by=column.auditor)
    services.submission_assign(submission=report, handler=None, by=column.auditor)
    assert client_for(column.office).get(reverse("submission_detail", args=[report.pk])).status_code == 404


def test_it_lets_only_the_auditor_assign_office_staff_of_the_county(column, report, anze_office):
    with pytest.raises(services.ValidationError) as error:
        services.submission_assign(submission=report, handler=column.contractor, by=column.auditor)
    assert "领导小组办公室人员" in str(error.value)
    with pytest.raises(services.ValidationError):
        services.submission_assign(submission=report, handler=anze_office, by=column.auditor)
    report.refresh_from_db()
    assert report.handler is None


def test_it_keeps_the_sender_out_of_the_history_tables(column, report):
    services.submission_reply(submission=report, reply="已立案核查。", by=column.auditor)
    fields = {f.name for f in PublicSubmission.history.model._meta.get_fields()}
    assert not fields & {"name", "contact", "address_hash", "tracking_hash"}
    assert report.history.count() == 2


def test_it_lets_the_auditor_answer_a_report_and_the_sender_read_it(column, client_for):
    submission, code = services.submission_create(county=column.linyi, kind="report", subject="围标串标",
                                                  content="物流中心采购疑似围标。")
    client = client_for(column.auditor)
    assert client.post(reverse("submission_accept", args=[submission.pk])).status_code == 302
    response = client.post(reverse("submission_reply", args=[submission.pk]), {"reply": "已移交县纪委监委立案调查。"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "replied" and submission.replied_by == column.auditor
    assert not submission.reply_published
    page = client_for(column.contractor).post(reverse("public_track"), {"code": code}).content.decode()
    assert "已移交县纪委监委立案调查。" in page


def test_it_never_publishes_a_report_reply(column, report):
    with pytest.raises(services.ValidationError):
        services.submission_reply(submission=report, reply="答复", by=column.auditor, publish=True,
                                  public_question="问题")
    report.refresh_from_db()
    assert not report.reply_published and report.reply == ""


def test_it_lets_the_office_handle_an_opinion_and_see_its_sender(column, opinion, client_for):
    client = client_for(column.office)
    text = client.get(reverse("submission_detail", args=[opinion.pk])).content.decode()
    assert "钱建议" in text and "13500001111" in text
    response = client.post(reverse("submission_reply", args=[opinion.pk]), {
        "reply": "下月起每月增加一场。", "publish": "on", "public_question": "希望增加培训场次。",
    })
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.reply_published and opinion.status == "replied"
    replies = client_for(column.contractor).get(reverse("public_replies", args=[column.linyi.pk])).content.decode()
    assert "下月起每月增加一场。" in replies and "钱建议" not in replies


def test_it_asks_for_a_public_question_before_publishing(column, opinion, client_for):
    client = client_for(column.office)
    client.post(reverse("submission_reply", args=[opinion.pk]), {"reply": "答复", "publish": "on", "public_question": ""})
    opinion.refresh_from_db()
    assert opinion.reply == "" and not opinion.reply_published


@pytest.mark.parametrize("who", ["auditor", "leader", "finance"])
def test_it_lets_other_county_roles_read_an_opinion_but_not_answer_it(column, opinion, client_for, who):
    client = client_for(getattr(column, who))
    text = client.get(reverse("submission_detail", args=[opinion.pk])).content.decode()
    assert "增加培训场次" in text
    if who != "auditor":
        assert "13500001111" not in text  # the sender is for those who answer (and audit)
    assert client.post(reverse("submission_reply", args=[opinion.pk]), {"reply": "x"}).status_code == 403
    assert client.post(reverse("submission_close", args=[opinion.pk]), {"reason": "x"}).status_code == 403
    opinion.refresh_from_db()
    assert opinion.status == "new"


@pytest.mark.parametrize("who", ["contractor", "contractor2", "agency"])
def test_it_hides_opinions_from_contractors_and_agencies(column, opinion, client_for, who):
    assert client_for(getattr(column, who)).get(reverse("submission_detail", args=[opinion.pk])).status_code == 404


def test_it_closes_with_a_reason_and_then_refuses_more_handling(column, opinion, client_for):
    client = client_for(column.office)
    client.post(reverse("submission_close", args=[opinion.pk]), {"reason": ""})
    opinion.refresh_from_db()
    assert opinion.status == "new"
    client.post(reverse("submission_close", args=[opinion.pk]), {"reason": "与本项目无关，已转交相关部门。"})
    opinion.refresh_from_db()
    assert opinion.status == "closed"
    assert client.post(reverse("submission_reply", args=[opinion.pk]), {"reply": "x"}).status_code == 403


def test_it_lists_the_inbox_in_a_fixed_number_of_queries(column, client_for, django_assert_num_queries):
    for n in (3, 30):
        PublicSubmission.objects.all().delete()
        for i in range(n):
            services.submission_create(county=column.linyi, kind="opinion" if i % 2 else "report",
                                       subject=f"第{i}件", content="内容")
        client = client_for(column.auditor)
        # session; user; memberships; COUNT; unread notifications (nav); the page with
        # e-town, county and handler; the session saved (savepoint, update, release)
        with django_assert_num_queries(9):
            assert client.get(reverse("submission_list")).status_code == 200


def test_it_never_publishes_the_senders_own_subject_line(column, client):
    """Found in review: a sender's subject with a phone number reached the public pages."""
    from etown.services import submissions as services

    submission, _code = services.submission_create(
        county=column.linyi, kind="opinion", subject="张三13800001111反映路灯", content="路灯坏了，请修理。",
    )
    services.submission_reply(
        submission=submission, by=column.office, reply="已安排维修。", publish=True,
        public_question="群众反映部分路灯损坏。",
    )
    for url in (f"/public/county/{column.linyi.pk}/", f"/public/county/{column.linyi.pk}/replies/"):
        body = client.get(url).content.decode()
        assert "群众反映部分路灯损坏" in body and "13800001111" not in body, url
    for suffix in ("data.json", "data.csv"):
        body = client.get(f"/public/county/{column.linyi.pk}/{suffix}").content.decode()
        assert "13800001111" not in body, suffix
