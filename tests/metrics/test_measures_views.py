"""The measures import wizard: upload, columns, preview, confirm; who may use it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from metrics.measures_import import FIELDS
from metrics.models import Measurement
from plans.models import Metric, Plan

DATA = Path(__file__).parent / "data"
SAMPLE = (DATA / "apr_measures.csv").read_bytes()
BAD_ROW = b"G,O,KPI,2021,ten,,,,,,,,\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client: Client, plan: Plan, content: bytes = SAMPLE, name: str = "apr.csv"):
    url = reverse("metrics:measures-import", args=[plan.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def token_of(response) -> str:
    return response["Location"].rstrip("/").split("/")[-2]


def mapping_post(**changes: str) -> dict[str, str]:
    """The sample's columns, each field in its own column, as the select posts them."""
    data = {key: str(index - (index > 4)) for index, key in enumerate(FIELDS) if key != "quarter"}
    data["quarter"] = ""
    return data | changes


def urls(plan: Plan, token: str) -> dict[str, str]:
    return {
        step: reverse(f"metrics:measures-import-{step}", args=[plan.slug, token])
        for step in ("map", "preview", "result")
    }


def test_editor_uploads_maps_previews_and_imports(
    lead_client: Client, plan: Plan, media_root: Path
) -> None:
    response = upload(lead_client, plan)
    assert response.status_code == 302
    token = token_of(response)
    steps = urls(plan, token)
    assert response["Location"] == steps["map"]
    assert list((media_root / "imports").iterdir())

    page = lead_client.get(steps["map"])
    assert page.status_code == 200
    form = page.context["form"]
    assert form["metric"].initial == 2  # guessed from "KPI"
    assert "quarter" not in form.initial  # the sample has no Quarter column

    response = lead_client.post(steps["map"], mapping_post())
    assert response["Location"] == steps["preview"]

    page = lead_client.get(steps["preview"])
    assert page.context["report"].tallies["metrics"].created == 9
    assert not Metric.objects.exists()  # the preview saves nothing
    assert b"Percent of cargo screened: created" in page.content

    response = lead_client.post(steps["preview"], {})
    assert response["Location"] == steps["result"]
    assert Metric.objects.filter(element__plan=plan).count() == 9
    assert Measurement.objects.get(metric__name="Removals").value == Decimal(185884)
    assert not list((media_root / "imports").iterdir())  # the file is gone once imported

    page = lead_client.get(steps["result"])
    assert b"Metrics: 9 created, 0 updated, 0 unchanged." in page.content


def test_an_unreadable_file_is_refused_on_the_upload_page(lead_client: Client, plan: Plan) -> None:
    response = upload(lead_client, plan, b"\xd0\xcf\x11", "old.xls")
    assert response.status_code == 200
    assert "Old Excel workbooks (.xls) cannot be read" in response.context["form"].errors["file"][0]
    assert b'href="#id_file"' in response.content


def test_a_column_chosen_twice_is_an_error_and_keeps_the_other_choices(
    lead_client: Client, plan: Plan
) -> None:
    steps = urls(plan, token_of(upload(lead_client, plan)))
    response = lead_client.post(steps["map"], mapping_post(notes="11", description="11"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["notes"] == ["Notes is already chosen for Description."]
    assert form["metric"].value() == "2"  # what was posted is shown again
    assert b'href="#id_notes"' in response.content


def test_a_required_field_left_out_is_an_error(lead_client: Client, plan: Plan) -> None:
    steps = urls(plan, token_of(upload(lead_client, plan)))
    response = lead_client.post(steps["map"], mapping_post(metric=""))
    assert response.context["form"].errors["metric"] == ["Choose the column that holds KPI."]


def test_bad_rows_are_shown_and_confirming_without_skipping_saves_nothing(
    lead_client: Client, plan: Plan
) -> None:
    steps = urls(plan, token_of(upload(lead_client, plan, SAMPLE + BAD_ROW)))
    lead_client.post(steps["map"], mapping_post())
    page = lead_client.get(steps["preview"])
    assert b"Row 13 (line 15 in a text editor)" in page.content
    assert b"Target &#x27;ten&#x27; is not a number." in page.content

    response = lead_client.post(steps["preview"], {})
    assert response.status_code == 200
    assert response.context["form"].errors["skip_bad_rows"][0].startswith("1 row(s) cannot")
    assert not Metric.objects.exists()

    response = lead_client.post(steps["preview"], {"skip_bad_rows": "on"})
    assert response["Location"] == steps["result"]
    assert Metric.objects.count() == 9


def test_the_preview_before_columns_are_chosen_goes_to_the_columns(
    lead_client: Client, plan: Plan
) -> None:
    steps = urls(plan, token_of(upload(lead_client, plan)))
    assert lead_client.get(steps["preview"])["Location"] == steps["map"]


def test_another_sessions_token_is_not_found(lead_client: Client, plan: Plan, lead) -> None:
    steps = urls(plan, token_of(upload(lead_client, plan)))
    other = Client()
    other.force_login(lead)
    assert other.get(steps["map"]).status_code == 404


# Permissions ---------------------------------------------------------------------------


def wizard_requests(plan: Plan) -> list[tuple[str, str, dict]]:
    steps = urls(plan, "some-token")
    return [
        ("get", reverse("metrics:measures-import", args=[plan.slug]), {}),
        ("post", reverse("metrics:measures-import", args=[plan.slug]), {}),
        ("get", steps["map"], {}),
        ("post", steps["map"], mapping_post()),
        ("get", steps["preview"], {}),
        ("post", steps["preview"], {}),
        ("get", steps["result"], {}),
    ]


def test_anonymous_users_are_sent_to_sign_in(client: Client, plan: Plan) -> None:
    for method, url, data in wizard_requests(plan):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_outsiders_get_404(outsider_client: Client, plan: Plan) -> None:
    for method, url, data in wizard_requests(plan):
        assert getattr(outsider_client, method)(url, data).status_code == 404


@pytest.mark.parametrize("reader", ["viewer_client", "steward_client", "reporter_client"])
def test_readers_of_the_plan_get_403(request, reader: str, plan: Plan) -> None:
    client = request.getfixturevalue(reader)
    for method, url, data in wizard_requests(plan):
        assert getattr(client, method)(url, data).status_code == 403
    assert not Metric.objects.exists()


def test_wrong_method_is_refused(lead_client: Client, plan: Plan) -> None:
    steps = urls(plan, "some-token")
    assert lead_client.put(reverse("metrics:measures-import", args=[plan.slug])).status_code == 405
    assert lead_client.post(steps["result"]).status_code == 405


def test_an_administrator_may_import(admin_client: Client, plan: Plan) -> None:
    assert upload(admin_client, plan).status_code == 302
