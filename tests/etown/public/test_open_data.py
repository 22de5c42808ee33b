"""Open data: the published column as JSON and CSV (docs/OPEN_DATA.md), per county and
per e-town. The files parse, follow the documented format, and say what the pages say."""
import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from etown.exports import opendata
from etown.services import submissions as services

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "OPEN_DATA.md"


def _csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads the Chinese text
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_it_serves_the_county_file_as_json_matching_the_county_and_etown_pages(column):
    client = Client()
    response = client.get(reverse("public_county_json", args=[column.linyi.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert (data["format"], data["version"]) == (opendata.FORMAT_NAME, opendata.FORMAT_VERSION)
    assert data["county"]["name"] == "临猗县"
    assert [e["name"] for e in data["etowns"]] == [column.etown.name]

    etown = data["etowns"][0]
    page = client.get(reverse("public_etown", args=[column.etown.pk])).content.decode()
    assert Decimal(etown["planned_investment_yuan"]) == column.etown.planned_investment
    assert f"{column.etown.planned_investment / 10000:,.2f} 万元" in page
    assert len(etown["tasks"]) == column.etown.tasks.count() == page.count('class="fact-progress"')
    for task in etown["tasks"]:
        assert task["title"] in page
        assert f'value="{task["progress_percent"]}"' in page
        assert isinstance(task["budget_yuan"], str) and Decimal(task["budget_yuan"]) >= 0
    for indicator in etown["indicators"]:
        assert indicator["name"] in page
        assert indicator["status_label"] in page
    met = [i for i in etown["indicators"] if i["status"] == "met"]
    assert met and all(Decimal(i["actual"]) >= Decimal(i["target"]) for i in met)
    for document in etown["documents"]:
        assert document["title"] in page
        assert client.get(document["url"]).status_code == 200
    for notice in etown["notices"]:
        assert notice["title"] in page
        assert f'{notice["workdays"]}个工作日' in page
    withdrawn = [n for n in etown["notices"] if n["state"] == "withdrawn"]
    assert withdrawn and withdrawn[0]["withdrawn_reason"] in page


def test_it_serves_the_same_facts_as_csv(column):
    client = Client()
    data = client.get(reverse("public_county_json", args=[column.linyi.pk])).json()
    response = client.get(reverse("public_county_csv", args=[column.linyi.pk]))
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert list(rows[0].keys()) == opendata.CSV_COLUMNS
    by_type = {}
    for row in rows:
        by_type.setdefault(row["record_type"], []).append(row)
    etown = data["etowns"][0]
    assert len(by_type["etown"]) == 1 and by_type["etown"][0]["title"] == etown["name"]
    assert by_type["etown"][0]["amount_yuan"] == etown["planned_investment_yuan"]
    assert [(r["title"], int(r["percent"])) for r in by_type["task"]] == [
        (t["title"], t["progress_percent"]) for t in etown["tasks"]
    ]
    assert [(r["title"], r["target"], r["actual"]) for r in by_type["indicator"]] == [
        (i["name"], i["target"], i["actual"] or "") for i in etown["indicators"]
    ]
    assert {r["title"] for r in by_type["notice"]} == {n["title"] for n in etown["notices"] + data["notices"]}
    assert {r["url"] for r in by_type["document"]} == {d["url"] for d in etown["documents"] + data["documents"]}


def test_it_serves_a_file_per_etown(column):
    client = Client()
    data = client.get(reverse("public_etown_json", args=[column.etown.pk])).json()
    assert [e["id"] for e in data["etowns"]] == [column.etown.pk]
    county = client.get(reverse("public_county_json", args=[column.linyi.pk])).json()
    strip = lambda e: {k: v for k, v in e.items()}  # noqa: E731
    assert strip(data["etowns"][0]) == strip(county["etowns"][0])
    rows = _csv_rows(client.get(reverse("public_etown_csv", args=[column.etown.pk])))
    assert {r["etown_id"] for r in rows if r["record_type"] in ("task", "indicator")} == {str(column.etown.pk)}


def test_it_includes_published_replies_without_the_sender(column):
    submission, _ = services.submission_create(county=column.linyi, kind="opinion", subject="快递网点",
                                               content="我是孙六，电话13311112222，建议增加快递网点。",
                                               etown=column.etown)
    services.submission_reply(submission=submission, reply="已规划新增两个网点。", by=column.office, publish=True,
                              public_question="建议增加快递网点。")
    client = Client()
    raw = client.get(reverse("public_county_json", args=[column.linyi.pk])).content.decode()
    data = json.loads(raw)
    assert data["replies"] == [{
        "id": submission.pk, "subject": "建议增加快递网点。", "question": "建议增加快递网点。", "reply": "已规划新增两个网点。",
        "replied_on": data["replies"][0]["replied_on"], "etown_id": column.etown.pk,
    }]
    assert "孙六" not in raw and "13311112222" not in raw
    rows = _csv_rows(client.get(reverse("public_county_csv", args=[column.linyi.pk])))
    assert [r["reply"] for r in rows if r["record_type"] == "reply"] == ["已规划新增两个网点。"]


def _keys(value, path=""):
    """Every key of the JSON, except the free labels inside a panel's ``values``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            if key != "values":
                yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_it_documents_every_field_it_writes(column):
    """docs/OPEN_DATA.md is the contract: every CSV column and JSON key is described."""
    services.submission_reply(
        submission=services.submission_create(county=column.linyi, kind="opinion", subject="s", content="c")[0],
        reply="r", by=column.office, publish=True, public_question="q",
    )
    text = DOC.read_text(encoding="utf-8")
    for name in opendata.CSV_COLUMNS:
        assert f"`{name}`" in text, name
    data = Client().get(reverse("public_county_json", args=[column.linyi.pk])).json()
    keys = set(_keys(data))
    assert {"tasks", "indicators", "documents", "notices", "replies", "panels"} <= keys
    for key in keys:
        assert f"`{key}`" in text, key
    assert f"`{opendata.FORMAT_NAME}`" in text


def test_it_describes_the_format_at_a_stable_address(column):
    data = Client().get(reverse("public_data_format")).json()
    assert data == {"format": opendata.FORMAT_NAME, "version": opendata.FORMAT_VERSION,
                    "csv_columns": opendata.CSV_COLUMNS}


def test_it_writes_formula_like_texts_as_text_in_the_csv(column):
    """Issue 14 item 4: a published text starting with =, +, -, @, tab or CR must not
    run as a formula when the CSV is opened in a spreadsheet (OWASP CSV injection)."""
    tasks = list(column.etown.tasks.order_by("pk")[:2])
    tasks[0].__class__.objects.filter(pk=tasks[0].pk).update(title='=HYPERLINK("http://x.example","点击")')
    tasks[1].__class__.objects.filter(pk=tasks[1].pk).update(title="@SUM(1+1)")
    rows = _csv_rows(Client().get(reverse("public_etown_csv", args=[column.etown.pk])))
    titles = {r["title"] for r in rows if r["record_type"] == "task"}
    assert "'=HYPERLINK(\"http://x.example\",\"点击\")" in titles and "'@SUM(1+1)" in titles
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for v in r.values() if v)
