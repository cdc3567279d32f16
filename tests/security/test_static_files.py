"""The production static files collect: the manifest storage (which WhiteNoise's
compressed storage extends) refuses any file that names a missing one, such as a source
map the install step did not copy. Compression is left out: it adds time, not checks."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

from config.settings import STORAGES

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


def test_collectstatic_with_the_manifest_storage_finds_every_referenced_file(
    tmp_path: Path,
) -> None:
    storages = {**STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)

    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/uswds/css/uswds.min.*.css"))
    assert list(tmp_path.glob("vendor/plotly/plotly-strict.min.*.js"))
