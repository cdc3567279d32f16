"""The OpenAPI schema: it generates without warnings, documents every operation with its
errors and locking headers, and is served. Responses are checked against it in the other
API tests (`check_response`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import EndpointEnumerator

WRITES = {"post", "put", "patch", "delete"}


def test_schema_validates_without_warnings(tmp_path: Path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))


def operations() -> list[tuple[str, str]]:
    """(path, method) of every `v1` operation that the URLconf routes, its path written as
    the schema writes it (`{pk}` is `{id}` there)."""
    endpoints = EndpointEnumerator().get_api_endpoints()
    return [
        (path.replace("{pk}", "{id}"), method.lower())
        for path, _regex, method, _view in endpoints
        if path.startswith("/api/v1/")
    ]


def test_every_routed_operation_is_documented_with_a_summary_and_401(openapi) -> None:
    assert len(operations()) == 25
    for path, method in operations():
        operation = openapi["paths"][path][method]
        assert operation.get("summary"), f"{method} {path} has no summary"
        assert "401" in operation["responses"], f"{method} {path} does not document 401"


def test_every_change_documents_if_match_and_the_locking_answers(openapi) -> None:
    changes = [
        (path, method)
        for path, method in operations()
        if method in WRITES and re.search(r"\{id\}/", path)
    ]
    assert len(changes) == 8  # targets: put, patch, delete; values: put, patch, 3 actions
    for path, method in changes:
        operation = openapi["paths"][path][method]
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "If-Match" in headers, f"{method} {path}"
        assert {"400", "403", "404", "409", "412", "428"} <= set(operation["responses"])


def test_value_responses_document_their_etag(openapi) -> None:
    response = openapi["paths"]["/api/v1/measurements/{id}/"]["get"]["responses"]["200"]

    assert "ETag" in response["headers"]


def test_token_and_session_sign_in_are_documented(openapi) -> None:
    assert set(openapi["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}


@pytest.mark.parametrize(("query", "starts"), [({}, "openapi: 3.0"), ({"format": "json"}, "{")])
def test_schema_is_served(viewer_client: Client, query: dict, starts: str) -> None:
    response = viewer_client.get(reverse("api:schema"), query)

    assert response.status_code == 200
    assert response.content.decode().startswith(starts)
    if query:
        assert "/api/v1/measurements/{id}/approve/" in json.loads(response.content)["paths"]


def test_browsable_api_loads_nothing_from_another_site(viewer_client: Client) -> None:
    response = viewer_client.get(reverse("api:api-root"), headers={"Accept": "text/html"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "/api/v1/measurements/" in page
    assets = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page)
    assert assets
    assert all(asset.startswith("/static/") for asset in assets), assets


@pytest.mark.django_db
def test_schema_and_its_docs_need_a_signed_in_user(client: Client) -> None:
    assert client.get(reverse("api:schema")).status_code == 401
    assert client.get(reverse("api:schema-docs")).status_code == 401


def test_swagger_ui_is_served_from_our_files_with_no_inline_script(viewer_client: Client) -> None:
    response = viewer_client.get(reverse("api:schema-docs"))

    page = response.content.decode()
    assert response.status_code == 200
    scripts = re.findall(r"<script([^>]*)>([^<]*)</script>", page)
    assert scripts
    assert all('src="/' in attributes and not body.strip() for attributes, body in scripts)
    start = viewer_client.get(reverse("api:schema-docs"), {"script": ""})
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in start.content.decode()
