"""One definition of 已拨付 everywhere (issue 15: the funds page said 230, the dashboard
220, the public column 140). 已拨付 is the net amount (已拨付净额 = 拨付总额 − 已追回,
安泽办法 002 第九条、第十八条: clawed-back money is returned and not paid again), with the
gross shown beside it; every surface reads ``funds.selectors.positions``."""
import csv
import io
import re
from decimal import Decimal

from pypdf import PdfReader

from etown.services import profile_update
from funds import hooks
from funds.models import ClawbackBasis, ClawbackKind, RequestKind, RequestStatus
from funds import services
from funds.selectors import regional
from funds.selectors.positions import NET_DISBURSED_LABEL, annotate_net_disbursed, disbursed_totals

from ..helpers import TODAY, advance, new_request

WAN = Decimal(10000)


def _wan(html, testid):
    match = re.search(rf'data-testid="{testid}"[^>]*>\s*([\d,]+\.\d\d)', html)
    assert match, testid
    return Decimal(match.group(1).replace(",", "")) * WAN


def _pay_and_claw_back(demo):
    request = advance(demo, new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1500000")),
                      RequestStatus.DISBURSED)
    services.clawback_record(
        contract=demo.contract, kind=ClawbackKind.CLAWBACK, amount=Decimal("600000"),
        basis=ClawbackBasis.EVALUATION_FAILED, reason="中期评价不合格", decision_number="临乡村e镇领〔2026〕5号",
        decided_on=TODAY, by=demo.office, today=TODAY,
    )
    return request


def test_it_gives_one_net_disbursed_figure_on_every_surface(demo, client_for, client):
    request = _pay_and_claw_back(demo)
    expected = Decimal("900000")  # 1,500,000 paid − 600,000 clawed back
    office = client_for(demo.office)
    figures = {}

    figures["funds home"] = _wan(office.get("/funds/").content.decode(), f"net-disbursed-{demo.etown.pk}")
    overview = office.get(f"/funds/etowns/{demo.etown.pk}/").content.decode()
    figures["e-town funds overview"] = _wan(overview, "fig-disbursed")
    assert "拨付总额 150.00 万元，已追回 60.00 万元" in overview
    detail = office.get(f"/funds/requests/{request.pk}/").content.decode()
    figures["request detail"] = _wan(detail, "net-disbursed")
    assert "拨付总额 150.00 万元，已追回 60.00 万元" in detail
    figures["e-town page panel"] = _wan(office.get(f"/etowns/{demo.etown.pk}/").content.decode(), "net-disbursed")

    pdf = office.get(f"/funds/requests/{request.pk}/form.pdf").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")
    match = re.search(rf"{NET_DISBURSED_LABEL}([\d,]+\.\d\d)元", text)
    assert match, text
    figures["approval form PDF"] = Decimal(match.group(1).replace(",", ""))

    # The county holds one contract with money on it: the county figure is this one.
    figures["dashboard metric"] = hooks.metric_money({demo.linyi.pk})["已拨付"] * WAN
    figures["regional breakdown"] = regional.paid_by("etown", [demo.etown.pk])[demo.etown.pk]
    figures["SQL definition"] = disbursed_totals(demo.etown.contracts.all()).net
    figures["annotation"] = annotate_net_disbursed(demo.etown.contracts.all()).get().net_disbursed

    profile_update(etown=demo.etown, by=demo.office, is_published=True, sections=["progress", "funds"], reason="公开资金")
    public = client.get(f"/public/etown/{demo.etown.pk}/").content.decode()
    figures["public panel"] = _wan(public, "public-net-disbursed")
    assert "拨付总额 150.00 万元，已追回 60.00 万元" in public
    rows = list(csv.DictReader(io.StringIO(client.get(f"/public/etown/{demo.etown.pk}/data.csv").content.decode()[1:])))
    (row,) = [r for r in rows if r["record_type"] == "panel" and r["title"] == NET_DISBURSED_LABEL]
    figures["open data CSV"] = Decimal(row["actual"])

    assert figures == {surface: expected for surface in figures}


def test_it_counts_a_terminated_contracts_payments_net_of_what_came_back(demo):
    """Money paid on a contract later ended still left the treasury: it counts, less
    what was clawed back (the dashboard used to drop it and the funds page to keep it)."""
    from etown.services import contract_terminate

    _pay_and_claw_back(demo)
    contract_terminate(contract=demo.contract, by=demo.office, basis="termination", reason="终止", decided_on=TODAY)
    assert hooks.public_figures(demo.etown)["disbursed"] == Decimal("900000")
    assert hooks.metric_money({demo.linyi.pk})["已拨付"] == Decimal("90.00")
    assert regional.paid_by("county", [demo.linyi.pk])[demo.linyi.pk] == Decimal("900000")
