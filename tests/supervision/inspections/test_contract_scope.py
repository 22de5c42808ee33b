"""Inspections on an e-town with two contractors (issue 11; 004 附件2 第十一条). The rule
(supervision.selectors.scope): an inspection record is the e-town's shared fact — both
contractors read it (who inspected when, what was looked at, the conclusion); a finding
turned into one contractor's rectification item is that contractor's and is not shown to
the other, on the page or in the printed record; findings not yet turned into items stay
on the shared record."""
import datetime
import subprocess

import pytest

from supervision.services.rectification import rectification_from_finding

from .support import inspect

pytestmark = pytest.mark.django_db


def test_it_shows_the_shared_record_but_not_the_other_contractors_findings(demo, second_contract, client_for, tmp_path):
    inspection = inspect(demo, summary="实地查看两处建设点。", findings=["配送中心改造滞后", "物流站点未建成", "宣传栏缺失"])
    ours, theirs, open_finding = inspection.findings.order_by("position")
    deadline = datetime.date(2026, 12, 31)
    rectification_from_finding(finding=ours, measures="倒排工期", units=[demo.contract.contractor.name], persons=[],
                               deadline=deadline, by=demo.office)
    rectification_from_finding(finding=theirs, measures="加快建设", units=["临猗县供销电商服务有限公司"], persons=[],
                               deadline=deadline, by=demo.office)
    url = inspection.get_absolute_url()
    for user, visible, hidden in (
        (demo.contractor, "配送中心改造滞后", "物流站点未建成"),
        (demo.contractor2, "物流站点未建成", "配送中心改造滞后"),
    ):
        response = client_for(user).get(url)
        body = response.content.decode()
        assert response.status_code == 200, user
        assert "实地查看两处建设点" in body and visible in body and "宣传栏缺失" in body, user
        assert hidden not in body, user
        pdf = client_for(user).get(f"/supervision/inspections/{inspection.pk}/pdf/")
        path = tmp_path / f"{user.username}.pdf"
        path.write_bytes(pdf.content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        flat = text.replace(" ", "").replace("\n", "")
        assert visible in flat and hidden not in flat, user
    office = client_for(demo.office).get(url).content.decode()
    assert "配送中心改造滞后" in office and "物流站点未建成" in office
    assert open_finding.text == "宣传栏缺失"
