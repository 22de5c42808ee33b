"""Background work as records (issue 13): every letter PDF, report, dossier and export is
a Job with a state the user sees and a retry; a request never waits on the broker; the
sweep publishes what the broker missed, takes back what a killed worker left running
(partial files removed) and deletes expired exports; tasks are idempotent."""
import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from etown.celery import app
from etown.models import Job, StoredFile
from etown.models.jobs import DOSSIER, FUNDS_EXPORT, LETTER_PDF, MAX_ATTEMPTS, REPORT_WORKBOOK
from etown.services.jobs import job_enqueue, jobs_sweep, scratch_path
from etown.uploads import file_path
from supervision.models import SupervisionLetter
from supervision.services.letters import letter_draft, letter_issue, letter_update
from supervision.services.rectification import rectification_create

pytestmark = pytest.mark.django_db
S = Job.State
TODAY = timezone.localdate()
LATER = datetime.timedelta(minutes=5)


def draft_letter(demo):
    item = rectification_create(etown=demo.etown, source="inspection", problem="物流仓储配送中心改造进度滞后",
                                measures="倒排工期", units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"],
                                deadline=TODAY, by=demo.office)
    draft = letter_draft(etown=demo.etown, kind=SupervisionLetter.Kind.FIRST, items=[item], by=demo.office, today=TODAY)
    return letter_update(letter=draft, by=demo.office, today=TODAY, deadline=TODAY + datetime.timedelta(days=10))


def test_it_keeps_the_settings_that_lose_nothing_when_a_worker_dies():
    conf = app.conf
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] >= 1800  # the dossier's time limit
    assert conf.result_backend is None and conf.task_ignore_result is True
    assert "jobs-sweep" in conf.beat_schedule and conf.beat_schedule["jobs-sweep"]["task"] == "etown.tasks.jobs_sweep"


def test_it_issues_a_letter_with_the_broker_down_and_makes_its_pdf_when_it_is_back(
    demo, broker_down, client_for, django_capture_on_commit_callbacks
):
    draft = draft_letter(demo)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_issue(letter=draft, by=demo.office, today=TODAY)
    assert time.monotonic() - started < 2  # no stall: the publish failed fast
    letter.refresh_from_db()
    job = Job.objects.get(kind=LETTER_PDF, target_id=letter.pk)
    assert letter.status == "issued" and letter.pdf is None
    assert job.state == S.QUEUED and "OperationalError" in job.publish_error

    page = client_for(demo.office).get(letter.get_absolute_url())
    assert "任务队列暂不可用，系统恢复后将自动生成" in page.content.decode()
    assert b'data-testid="letter-pdf-retry"' in page.content

    broker_down.conf.task_always_eager = True  # the broker is back (a worker runs what is sent)
    result = jobs_sweep(now=timezone.now() + LATER)
    assert result["published"] == 1
    letter.refresh_from_db()
    job.refresh_from_db()
    assert letter.pdf is not None and job.state == S.DONE and job.result == letter.pdf and job.attempts == 1
    assert jobs_sweep(now=timezone.now() + LATER)["published"] == 0  # nothing left to send


def test_it_renders_a_letter_once_however_often_its_message_arrives(demo, django_capture_on_commit_callbacks):
    from supervision.tasks import render_letter_pdf

    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_issue(letter=draft_letter(demo), by=demo.office, today=TODAY)
    job = Job.objects.get(kind=LETTER_PDF, target_id=letter.pk)
    files = StoredFile.objects.count()
    render_letter_pdf.apply(args=[letter.pk], kwargs={"job_id": job.pk})  # a second delivery
    render_letter_pdf.apply(args=[letter.pk])  # an old message without a job
    job.refresh_from_db()
    assert StoredFile.objects.count() == files and job.state == S.DONE and job.attempts == 1


def test_it_takes_back_a_job_whose_worker_died_and_removes_its_partial_file(demo, broker_down, settings):
    job = job_enqueue(kind=DOSSIER, target_id=0, args=[0], by=demo.office, county=demo.linyi, etown=demo.etown)
    Job.objects.filter(pk=job.pk).update(state=S.RUNNING, attempts=1, started_at=timezone.now() - datetime.timedelta(hours=1))
    job.refresh_from_db()
    part = scratch_path(job)
    part.write_bytes(b"x" * 1024)  # the ZIP a killed worker was writing

    jobs_sweep()
    job.refresh_from_db()
    assert not part.exists()
    assert job.state == S.QUEUED and "执行进程中断" in job.error and job.publish_error  # broker still down


def test_it_marks_a_job_failed_with_its_reason_after_the_last_attempt(demo, broker_down):
    job = job_enqueue(kind=LETTER_PDF, target_id=99, args=[99], by=demo.office, county=demo.linyi)
    Job.objects.filter(pk=job.pk).update(state=S.RUNNING, attempts=MAX_ATTEMPTS,
                                         started_at=timezone.now() - datetime.timedelta(hours=1))
    jobs_sweep()
    job.refresh_from_db()
    assert job.state == S.FAILED and f"已尝试 {MAX_ATTEMPTS} 次" in job.error


def test_it_leaves_a_job_running_within_its_time_limit_alone(demo, broker_down):
    job = job_enqueue(kind=LETTER_PDF, target_id=98, args=[98], by=demo.office, county=demo.linyi)
    Job.objects.filter(pk=job.pk).update(state=S.RUNNING, attempts=1, started_at=timezone.now())
    jobs_sweep()
    job.refresh_from_db()
    assert job.state == S.RUNNING and job.error == ""


def test_it_exports_with_the_broker_down_without_an_error_page(demo, broker_down, client_for,
                                                               django_capture_on_commit_callbacks):
    client = client_for(demo.office)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):  # the publish runs after the commit
        response = client.post(reverse("funds:ledger_export", args=[demo.etown.pk]))
    assert time.monotonic() - started < 2
    assert response.status_code == 302 and response.url == reverse("job_list")
    body = client.get(response.url).content.decode()
    assert "任务队列暂不可用" in body and 'data-state="queued"' in body and 'data-testid="job-retry"' in body
    job = Job.objects.get(kind=FUNDS_EXPORT)
    assert job.state == S.QUEUED and job.requested_by == demo.office

    broker_down.conf.task_always_eager = True
    jobs_sweep(now=timezone.now() + LATER)
    job.refresh_from_db()
    assert job.state == S.DONE and job.result is not None and job.expires_at > timezone.now()
    page = client.get(reverse("job_list")).content.decode()
    assert reverse("file_download", args=[job.result_id]) in page


def test_it_deletes_exports_past_their_keeping_time(demo, client_for, django_capture_on_commit_callbacks):
    client = client_for(demo.office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("funds:ledger_export", args=[demo.etown.pk]))
    job = Job.objects.get(kind=FUNDS_EXPORT)
    assert job.state == S.DONE
    stored = job.result
    path = file_path(stored)
    assert path.exists()
    jobs_sweep(now=timezone.now() + datetime.timedelta(days=6))
    assert StoredFile.objects.filter(pk=stored.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the row is gone
        jobs_sweep(now=timezone.now() + datetime.timedelta(days=8))
    job.refresh_from_db()
    assert job.state == S.EXPIRED and job.result is None
    assert not StoredFile.objects.filter(pk=stored.pk).exists() and not path.exists()


def test_it_builds_the_departments_workbook_in_a_worker(demo, client_for, django_capture_on_commit_callbacks):
    client = client_for(demo.finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("report_export"), {"month": f"{TODAY:%Y-%m}"})
    assert response.status_code == 302 and response.url == reverse("job_list")
    job = Job.objects.get(kind=REPORT_WORKBOOK)
    assert job.state == S.DONE and job.requested_by == demo.finance and job.result.access == "government"
    download = client.get(reverse("file_download", args=[job.result_id]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_it_lets_only_the_requester_or_the_office_retry(demo, broker_down, client_for,
                                                        django_capture_on_commit_callbacks):
    job = job_enqueue(kind=FUNDS_EXPORT, args=[demo.etown.pk, "ledger", demo.finance.pk], by=demo.finance,
                      etown=demo.etown)
    assert client_for(demo.contractor2).post(reverse("job_retry", args=[job.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(demo.finance).post(reverse("job_retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == S.QUEUED and job.publish_error  # still down: says so, stays queued


def test_it_retries_a_failed_letter_pdf_from_the_letter_page(demo, monkeypatch, client_for,
                                                             django_capture_on_commit_callbacks):
    from supervision.services import letters as services_letters

    monkeypatch.setattr(services_letters, "letter_pdf_bytes", lambda letter: (_ for _ in ()).throw(OSError("no fonts")))
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_issue(letter=draft_letter(demo), by=demo.office, today=TODAY)
    job = Job.objects.get(kind=LETTER_PDF, target_id=letter.pk)
    assert job.state == S.QUEUED and job.attempts == 1 and "no fonts" in job.error  # the sweep tries again
    monkeypatch.undo()
    client = client_for(demo.office)
    assert b"letter-pdf-retry" not in client.get(letter.get_absolute_url()).content  # it is on its way
    Job.objects.filter(pk=job.pk).update(state=S.FAILED)
    assert b"letter-pdf-retry" in client.get(letter.get_absolute_url()).content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("letter_render", args=[letter.pk]))
    letter.refresh_from_db()
    job.refresh_from_db()
    assert letter.pdf is not None and job.state == S.DONE
    assert Job.objects.filter(kind=LETTER_PDF, target_id=letter.pk).count() == 1


def test_it_queues_a_dossier_with_the_broker_down_and_a_failed_one_blocks_no_one(
    demo, broker_down, client_for, django_capture_on_commit_callbacks
):
    """Before: 500 after 19 s and a pending row that blocked its user for good."""
    from acceptance.models import DossierExport

    client = client_for(demo.office)
    url = reverse("acceptance:dossier_page", args=[demo.etown.pk])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and time.monotonic() - started < 2
    export = DossierExport.objects.get()
    job = Job.objects.get(kind=DOSSIER, target_id=export.pk)
    assert job.state == S.QUEUED and job.publish_error
    page = client.get(url).content.decode()
    assert "任务队列暂不可用" in page and 'data-testid="job-retry"' in page
    client.post(url)  # a second click while it waits: refused, nothing new
    assert DossierExport.objects.count() == 1
    Job.objects.filter(pk=job.pk).update(state=S.FAILED, error="执行超时")
    client.post(url)  # the failed one no longer blocks its user
    assert DossierExport.objects.count() == 2
