"""`make sbom` writes CycloneDX SBOMs that an agency pipeline can scan: the Python packages
installed in the virtualenv and the npm packages of package-lock.json.

The target runs as it is (into a temporary folder, without its `install` prerequisite,
which `make test` has already satisfied), and both files are checked against the strict
CycloneDX schema. The schema's IRI format check is left out: its parser takes a quarter of a
second per URL (a minute for our ~500), and cyclonedx-py's own validation is off in the
target for the same reason. About 5 seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from jsonschema.validators import Draft7Validator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sboms(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `make sbom` wrote into."""
    if shutil.which("npm") is None and os.environ.get("CI") != "true":
        pytest.skip("npm is not installed (it is in CI)")
    folder = tmp_path_factory.mktemp("sbom")
    completed = subprocess.run(
        ["make", "-s", "-o", "install", "sbom", f"SBOM_DIR={folder}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return folder


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def schema_errors(document: dict, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checkers = Draft7Validator.FORMAT_CHECKER.checkers
    for slow in ("iri", "iri-reference"):
        monkeypatch.delitem(checkers, slow, raising=False)
    version = SchemaVersion.from_version(document["specVersion"])
    errors = JsonStrictValidator(version).validate_str(json.dumps(document), all_errors=True)
    return [str(error) for error in errors or []]


def names(document: dict) -> set[str]:
    return {component["name"].casefold() for component in document["components"]}


def test_python_sbom_lists_the_installed_packages_with_versions(sboms: Path) -> None:
    document = load(sboms / "sbom.cdx.json")

    assert document["bomFormat"] == "CycloneDX"
    assert document["metadata"]["component"]["name"] == "stratplan"
    assert {"django", "weasyprint", "djangorestframework", "celery", "openpyxl"} <= names(document)
    django = next(c for c in document["components"] if c["name"].casefold() == "django")
    assert django["version"].startswith("5.2")
    assert django["purl"].startswith("pkg:pypi/django@5.2")


def test_npm_sbom_lists_the_front_end_packages_of_the_lockfile(sboms: Path) -> None:
    document = load(sboms / "sbom-npm.cdx.json")

    assert document["bomFormat"] == "CycloneDX"
    assert {"@uswds/uswds", "plotly.js-strict-dist-min", "axe-core"} <= names(document)
    assert all(
        component.get("purl", "").startswith("pkg:npm/") for component in document["components"]
    )


@pytest.mark.parametrize("filename", ["sbom.cdx.json", "sbom-npm.cdx.json"])
def test_sbom_follows_the_cyclonedx_schema(
    sboms: Path, filename: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert schema_errors(load(sboms / filename), monkeypatch) == []
