"""Issue 15: the 档案目录 lists the inspection records, the rectification ledger, the
notices and the clawback decisions; a draft's materials (never submitted, 004 附件3 第四条
(一): materials are those the contractor 提交) stay out of the dossier instead of landing
under 其他附件; a dossier for one contract's acceptance holds that contract's ledger and
asset register only (issue 11: another contractor's ledger must not be in it). Every
document comes through the hub's registered dossier sources."""
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from acceptance.selectors.dossier import collect
from etown import services as etown_services
from etown.models import Organization
from etown.services.notices import notice_create
from etown.uploads import file_path
from funds import services as funds_services
from funds.models import ClawbackBasis, ClawbackKind, RequestKind

from .test_build import build, read_catalogue

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def _pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n")


def test_it_lists_inspections_ledger_notices_and_clawbacks(demo, django_capture_on_commit_callbacks):
    from supervision.models import Inspection
    from supervision.services.rectification import rectification_create
    from tests.funds.helpers import paid

    inspection = Inspection.objects.create(etown=demo.etown, category="construction", inspected_on=TODAY,
                                           summary="现场检查", recorded_by=demo.office)
    rectification_create(etown=demo.etown, source="inspection", problem="门头破损", measures="更换", units="承办企业",
                         persons="", deadline=datetime.date(2099, 1, 8), by=demo.office)
    notice_create(county=demo.linyi, etown=demo.etown, title="拨付公示", body="公示内容", start_date=TODAY, by=demo.office)
    paid(demo, "1000000")
    funds_services.clawback_record(
        contract=demo.contract, kind=ClawbackKind.CLAWBACK, amount=Decimal("100000"),
        basis=ClawbackBasis.EVALUATION_FAILED, reason="中期评价不合格", decision_number="临乡村e镇领〔2026〕5号",
        decided_on=TODAY, by=demo.office, today=TODAY,
    )
    export = build(demo, demo.office, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(file_path(export)) as archive:
        catalogue = read_catalogue(archive)
        by_title = {row["文件名称"]: row for row in catalogue}
        record = next(r for r in catalogue if r["类别"] == "检查" and "检查记录" in r["文件名称"])
        assert archive.read(record["档案文件"]).startswith(b"%PDF")
        ledger = next(r for r in catalogue if r["类别"] == "整改" and "整改台账" in r["文件名称"])
        ws = load_workbook(io.BytesIO(archive.read(ledger["档案文件"]))).active
        assert "门头破损" in {c for row in ws.iter_rows(values_only=True) for c in row}
        notices = next(r for r in catalogue if r["类别"] == "公示")
        ws = load_workbook(io.BytesIO(archive.read(notices["档案文件"]))).active
        assert "拨付公示" in {c for row in ws.iter_rows(values_only=True) for c in row}
        clawbacks = next(r for r in catalogue if "追回" in r["文件名称"])
        ws = load_workbook(io.BytesIO(archive.read(clawbacks["档案文件"]))).active
        assert "临乡村e镇领〔2026〕5号" in {c for row in ws.iter_rows(values_only=True) for c in row}
        assert inspection.pk and by_title


def test_it_leaves_drafts_materials_out(demo, django_capture_on_commit_callbacks):
    from tests.funds.helpers import new_request

    draft = new_request(demo, materials=True)  # a draft, never submitted
    names = set(draft.materials.values_list("file__original_name", flat=True))
    assert names
    export = build(demo, demo.office, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(file_path(export)) as archive:
        catalogue = read_catalogue(archive)
    assert not [r for r in catalogue if r["档案文件"].split("-", 2)[-1] in names]
    assert not [r for r in catalogue if r["类别"] == "其他附件" and "拨付申请材料" in r["文件名称"]]


def test_it_keeps_a_contracts_dossier_to_its_own_ledger(demo, monkeypatch):
    from tests.funds.helpers import new_request

    org = Organization.objects.get(name="临猗县供销电商服务有限公司")
    second = etown_services.contract_create(
        etown=demo.etown, by=demo.office, contractor=org, number="LY-EZ-2026-02", title="农村物流站点建设合同",
        amount=Decimal("2000000"), signed_on=datetime.date(2026, 7, 1),
    )
    theirs = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"), by=demo.contractor2,
                         contract=second)
    funds_services.disbursement_submit(request=theirs, by=demo.contractor2, today=TODAY)
    calls = []
    import funds.hooks

    original = funds.hooks.write_ledger

    def spy(etown, path, **kwargs):
        calls.append(kwargs.get("contractors"))
        return original(etown, path, **kwargs)

    monkeypatch.setattr(funds.hooks, "write_ledger", spy)
    items = collect(demo.etown, contract=demo.contract)
    for item in items:
        if item.content is not None and "台账" in item.title:
            item.content()
    assert calls and all(c == {demo.contract.contractor_id} for c in calls)
    assert not [i for i in items if theirs.code in i.title]
    assert [i for i in collect(demo.etown) if theirs.code in i.title]


def test_it_builds_a_dossier_for_one_contract_from_the_page(demo, client_for, django_capture_on_commit_callbacks):
    from acceptance.models import DossierExport

    c = client_for(demo.office)
    url = f"/acceptance/etowns/{demo.etown.pk}/dossier/"
    page = c.get(url).content.decode()
    assert f'<option value="{demo.contract.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        c.post(url, {"contract": demo.contract.pk})
    export = DossierExport.objects.get()
    assert export.contract == demo.contract and export.status == DossierExport.Status.READY
    assert demo.contract.number in export.filename
    with zipfile.ZipFile(file_path(export)) as archive:
        assert any(demo.contract.number in row["文件名称"] for row in read_catalogue(archive))
    other = DossierExport.objects.create(etown=demo.etown, requested_by=demo.office)
    assert other.contract is None


def test_it_leaves_another_contractors_stray_files_out_of_a_contract_dossier(demo):
    from etown.uploads import file_store

    org = Organization.objects.get(name="临猗县供销电商服务有限公司")
    etown_services.contract_create(
        etown=demo.etown, by=demo.office, contractor=org, number="LY-EZ-2026-02", title="农村物流站点建设合同",
        amount=Decimal("2000000"), signed_on=datetime.date(2026, 7, 1),
    )
    theirs = file_store(upload=_pdf("别家发票.pdf"), county=demo.linyi, etown=demo.etown, by=demo.contractor2)
    ours = file_store(upload=_pdf("本家发票.pdf"), county=demo.linyi, etown=demo.etown, by=demo.contractor)
    scoped = {i.stored_file.pk for i in collect(demo.etown, contract=demo.contract) if i.stored_file is not None}
    assert ours.pk in scoped and theirs.pk not in scoped
    assert theirs.pk in {i.stored_file.pk for i in collect(demo.etown) if i.stored_file is not None}
