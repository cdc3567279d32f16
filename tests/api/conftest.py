"""Fixtures for the REST API: a plan with an ERO and an HSI metric, an open and a closed
data call, JSON helpers, and the OpenAPI schema to check responses against.

The role clients come from tests/conftest.py (steward and approver of ERO; lead, reporter
and viewer of ICE; a FEMA steward as outsider; an administrator). They sign in with the
session, as a browser does; the token tests sign in with a token instead.

`data_call` is the plan's FY2026 Q4 call, open from ten days ago until ten days from now,
because the API locks by the real `timezone.localdate()`; `locked_call` (FY2026 Q3) closed
yesterday.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

# The quarterly-data world (a goal and objective, ERO and HSI metrics, an open and a locked
# data call) is the metrics tests' own; the API is tested on the same one.
from tests.metrics.conftest import (  # noqa: F401
    data_call,
    ero_metric,
    hsi_metric,
    locked_call,
    objective,
    today,
)


def send(client: Client, method: str, url: str, body: dict | None = None, **headers: str):
    """A JSON request: send(client, "patch", url, {"value": 5}, if_match='"3-1"')."""
    named = {name.replace("_", "-").title(): value for name, value in headers.items()}
    payload = json.dumps(body) if body is not None else ""
    return getattr(client, method)(
        url, data=payload, content_type="application/json", headers=named
    )


# The schema --------------------------------------------------------------------------------


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects as JSON Schema: `nullable` becomes a null alternative, and
    objects refuse properties the schema does not name, so an undocumented field fails."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.get("type") == "object" and isinstance(node.get("properties"), dict):
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture(scope="session")
def openapi() -> dict[str, Any]:
    """The schema as /api/schema/ serves it."""
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="session")
def check_response(openapi: dict[str, Any]):
    """check_response(response, "get", "/api/v1/plans/{slug}/"): the response's status is
    documented for the operation and its body matches the documented schema."""
    components = _json_schema(openapi["components"])

    def check(response, method: str, path: str) -> None:
        responses = openapi["paths"][path][method]["responses"]
        documented = responses.get(str(response.status_code))
        assert documented is not None, f"{method} {path}: {response.status_code} undocumented"
        if "content" not in documented:
            assert not response.content
            return
        schema = documented["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**_json_schema(schema), "components": components})
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())
        ]
        assert not errors, errors

    return check
