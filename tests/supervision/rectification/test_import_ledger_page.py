"""Issue 15: the Excel import sits on the main 整改台账 page (the county ledger), and a
list whose deadlines are already past is not taken silently: the page names the rows
whose 整改时限 is before today and imports them only once the office confirms."""
import datetime

import pytest

from supervision.models import Rectification

from .test_import import good_rows, upload, workbook_bytes

pytestmark = pytest.mark.django_db


def future_rows(n=3):
    rows = good_rows(n)
    for row in rows:
        row[5] = "2099年10月15日"
    return rows


def test_it_offers_the_import_on_the_county_ledger(demo, client_for):
    page = client_for(demo.office).get("/supervision/rectifications/").content.decode()
    assert 'data-testid="ledger-import"' in page and 'href="/supervision/rectifications/import/"' in page
    assert 'data-testid="ledger-import"' not in client_for(demo.contractor).get("/supervision/rectifications/").content.decode()


def test_it_imports_from_the_county_ledger_into_the_chosen_etown(demo, client_for):
    c = client_for(demo.office)
    url = "/supervision/rectifications/import/"
    page = c.get(url).content.decode()
    assert f'<option value="{demo.etown.pk}"' in page
    response = c.post(url, {"etown": demo.etown.pk, "file": upload(workbook_bytes(future_rows())),
                            "source": "evaluation", "year": 2099})
    assert response.status_code == 302 and response["Location"].endswith(f"/etowns/{demo.etown.pk}/rectifications/")
    assert Rectification.objects.filter(etown=demo.etown).count() == 3
    assert client_for(demo.contractor).get(url).status_code == 403


def test_it_refuses_an_etown_outside_the_offices_county(demo, client_for):
    response = client_for(demo.office).post("/supervision/rectifications/import/", {
        "etown": demo.anze_etown.pk, "file": upload(workbook_bytes(future_rows())), "source": "evaluation",
        "year": 2099})
    assert response.status_code == 200 and not Rectification.objects.exists()
    assert f'<option value="{demo.anze_etown.pk}"' not in response.content.decode()


def test_it_lists_past_deadlines_and_imports_them_only_when_confirmed(demo, client_for):
    c = client_for(demo.office)
    url = f"/supervision/etowns/{demo.etown.pk}/rectifications/import/"
    rows = future_rows(3)
    rows[1][5] = "2023年10月15日"
    rows[2][5] = "2023-11-01"
    response = c.post(url, {"file": upload(workbook_bytes(rows)), "source": "evaluation", "year": 2023})
    page = response.content.decode()
    assert response.status_code == 200 and not Rectification.objects.exists()
    assert "整改时限已早于今天" in page and "第 3 行（2023-10-15）" in page and "第 4 行（2023-11-01）" in page
    assert "第 2 行" not in page.split("整改时限已早于今天")[1].split("</li>")[0]
    assert 'name="confirm_past"' in page and 'data-past-deadlines="1"' in page and "alert-warning" in page
    response = c.post(url, {"file": upload(workbook_bytes(rows)), "source": "evaluation", "year": 2023,
                            "confirm_past": "on"})
    assert response.status_code == 302 and Rectification.objects.filter(etown=demo.etown).count() == 3
    assert Rectification.objects.get(ref="2").deadline == datetime.date(2023, 10, 15)
