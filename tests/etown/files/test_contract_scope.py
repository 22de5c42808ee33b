"""Stored files on an e-town with two contractors (issue 11; 004 附件2 第十一条). The
download view serves an e-town's file to whoever may read the e-town, except: a job's
output (我的导出, e.g. a funds export) is its requester's and the county staff's; and a
file attached to another contractor's record (a monthly report's attachment, a letter's
PDF, rectification evidence — supervision's file guard) is 404 to this contractor."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from etown.models import Job, StoredFile
from etown.uploads import file_store

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def stored(demo, by, name="导出.pdf"):
    return file_store(upload=SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf"),
                      county=demo.etown.county, etown=demo.etown, by=by, access=StoredFile.Access.ETOWN, purpose="导出")


def test_it_serves_a_job_output_only_to_its_requester_and_the_county(demo, second_contract, client_for):
    result = stored(demo, demo.contractor)
    Job.objects.create(kind="funds_export", requested_by=demo.contractor, county=demo.etown.county, etown=demo.etown,
                       title="资金台账导出", state=Job.State.DONE, result=result)
    url = f"/files/{result.pk}/"
    assert client_for(demo.contractor2).get(url).status_code == 404
    assert client_for(demo.contractor).get(url).status_code == 200
    assert client_for(demo.office).get(url).status_code == 200
    # 我的导出 lists the requester's jobs only.
    assert "资金台账导出" not in client_for(demo.contractor2).get("/jobs/").content.decode()


def test_it_refuses_another_contractors_report_attachment(demo, second_contract, client_for):
    from supervision.services import reports as services

    report = services.monthly_report_create(etown=demo.etown, period=datetime.date(2026, 10, 1), by=demo.contractor,
                                            today=datetime.date(2026, 11, 23))
    services.monthly_report_update(report=report, by=demo.contractor, add_files=[
        SimpleUploadedFile("进度照片说明.pdf", PDF_BYTES, content_type="application/pdf"),
    ])
    attachment = report.attachments.get()
    url = f"/files/{attachment.pk}/"
    assert client_for(demo.contractor2).get(url).status_code == 404
    assert client_for(demo.contractor).get(url).status_code == 200
    assert client_for(demo.office).get(url).status_code == 200
    # A file of the e-town attached to no one's record stays the e-town's.
    shared = stored(demo, demo.office, "实施方案.pdf")
    assert client_for(demo.contractor2).get(f"/files/{shared.pk}/").status_code == 200
