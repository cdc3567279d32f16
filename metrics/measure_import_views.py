"""The measures import wizard under a plan: upload a CSV or XLSX file, choose which column
holds which field, preview what the import will write, confirm. The reading is in
metrics.measures_import and the writing in metrics.measures_services; these are recipes.

Only users who may edit the plan get here (get_plan_for_user(write=True): 404 for
outsiders, 403 for readers). The wizard imports into this existing plan; a new plan comes
from the import_measures command. The uploaded file is kept between steps under
MEDIA_ROOT/imports/<random>.<ext> and named only in the user's session, so the token in the
URL is of no use to anyone else; it is deleted once imported, and files of abandoned
wizards are deleted a day later, when someone next uploads.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from metrics.measures_import import (
    FIELDS,
    LABELS,
    MAX_CSV_BYTES,
    REQUIRED,
    MeasuresFileError,
    Table,
    column_name,
    guess_mapping,
    parse_measures,
    read_table,
)
from metrics.measures_services import ImportReport, MeasuresImportError, import_measures
from plans.access import get_plan_for_user
from plans.models import Plan

SESSION_KEY = "measures-import:{token}"
UPLOAD_DIR = "imports"
STALE_AFTER = timedelta(days=1)
ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOO_BIG = f"The file is larger than {MAX_CSV_BYTES // 2**20} MB."
SKIP_NEEDED = (
    "{count} row(s) cannot be imported. Tick the box to import the others without them, or "
    "fix the file and upload it again."
)
FIELD_HELP = {
    "goal": "Level 1 of the plan.",
    "objective": "Level 2, under the goal; metrics hang under it.",
    "metric": "The measure's name.",
    "fiscal_year": "Like 2021 or FY2021; FY2021 Q2 also gives the quarter.",
    "quarter": "1-4 or Q1-Q4; blank for the whole fiscal year.",
    "unit": "Raw Count, Percentage, $ Billions, 5 point scale, Cumulative Total ...",
    "direction": "Increase, Decrease, or Range / Maintain.",
    "notes": "Kept as the explanation of the actual value.",
    "office": "The code or name of the office that owns the measure.",
}


class MeasuresUploadForm(forms.Form):
    """Step 1: the file, read at once so that an unreadable one is refused here."""

    file = forms.FileField(
        label="Spreadsheet of measures",
        help_text="A .csv file (at most 20 MB) or an .xlsx workbook (at most 5 MB) with a "
        "header row, one row per measure and fiscal year or quarter.",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(TOO_BIG)
        self.content = upload.read(MAX_CSV_BYTES + 1)
        try:
            self.table = read_table(self.content, upload.name)
        except MeasuresFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class MappingForm(forms.Form):
    """Step 2: one select per field, listing the file's columns."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        columns = [(i, column_name(headers, i)) for i in range(len(headers))]
        choices = [("", "Not in the file"), *[(str(i), name) for i, name in columns]]
        for key in FIELDS:
            required = key in REQUIRED
            self.fields[key] = forms.TypedChoiceField(
                label=LABELS[key] + (" (required)" if required else ""),
                help_text=FIELD_HELP.get(key, ""),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=required,
                error_messages={"required": f"Choose the column that holds {LABELS[key]}."},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        seen: dict[int, str] = {}
        for key in FIELDS:
            index = data.get(key)
            if index is not None and index in seen:
                column = column_name(self.headers, index)
                self.add_error(key, f"{column} is already chosen for {LABELS[seen[index]]}.")
            elif index is not None:
                seen[index] = key
        return data

    @property
    def mapping(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class ConfirmForm(forms.Form):
    skip_bad_rows = forms.BooleanField(
        required=False, label="Import the other rows and skip the rows listed above"
    )


@require_http_methods(["GET", "POST"])
def upload_measures(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    posted = request.method == "POST"
    form = MeasuresUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        token = _keep_upload(request, plan, form)
        return redirect("metrics:measures-import-map", slug=plan.slug, token=token)
    return render(request, "metrics/measures_import/upload.html", {"plan": plan, "form": form})


@require_http_methods(["GET", "POST"])
def map_measures(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    upload = _upload(request, plan, token)
    table = _table(upload)
    initial = upload["mapping"] or guess_mapping(table.headers)
    posted = request.method == "POST"
    form = MappingForm(request.POST if posted else None, headers=table.headers, initial=initial)
    if posted and form.is_valid():
        upload["mapping"] = form.mapping
        request.session.modified = True
        return redirect("metrics:measures-import-preview", slug=plan.slug, token=token)
    context = {"plan": plan, "form": form, "upload": upload, "token": token, "table": table}
    return render(request, "metrics/measures_import/map.html", context)


@require_http_methods(["GET", "POST"])
def preview_measures(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    upload = _upload(request, plan, token)
    if not upload["mapping"]:
        return redirect("metrics:measures-import-map", slug=plan.slug, token=token)
    posted = request.method == "POST"
    form = ConfirmForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            report = _import(request, plan, upload, skip=form.cleaned_data["skip_bad_rows"])
        except MeasuresImportError as error:
            form.add_error("skip_bad_rows", SKIP_NEEDED.format(count=len(error.problems)))
        else:
            _finish(request, upload, report)
            return redirect("metrics:measures-import-result", slug=plan.slug, token=token)
    report = _import(request, plan, upload, skip=True, dry_run=True)
    context = {"plan": plan, "form": form, "report": report, "upload": upload, "token": token}
    return render(request, "metrics/measures_import/preview.html", context)


@require_GET
def measures_result(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    plan = get_plan_for_user(request.user, slug, write=True)
    upload = _upload(request, plan, token)
    if upload["result"] is None:
        return redirect("metrics:measures-import-preview", slug=plan.slug, token=token)
    context = {"plan": plan, "upload": upload, "result": upload["result"]}
    return render(request, "metrics/measures_import/result.html", context)


# The upload between steps ------------------------------------------------------------------


def _keep_upload(request: HttpRequest, plan: Plan, form: MeasuresUploadForm) -> str:
    """Stores the file under a random name and remembers it in the session."""
    _delete_stale_uploads()
    token = secrets.token_urlsafe(16)
    name = form.cleaned_data["file"].name
    extension = name.rsplit(".", 1)[-1].lower()
    path = default_storage.save(f"{UPLOAD_DIR}/{token}.{extension}", ContentFile(form.content))
    request.session[SESSION_KEY.format(token=token)] = {
        "plan": plan.slug,
        "path": path,
        "name": name,
        "mapping": None,
        "result": None,
    }
    return token


def _upload(request: HttpRequest, plan: Plan, token: str) -> dict[str, Any]:
    """The session's record of the upload; 404 for a token this session did not make."""
    upload = request.session.get(SESSION_KEY.format(token=token))
    if upload is None or upload["plan"] != plan.slug:
        raise Http404("No such upload.")
    return upload


def _table(upload: dict[str, Any]) -> Table:
    """The stored file read again (a few milliseconds for an agency's file)."""
    if not default_storage.exists(upload["path"]):
        raise Http404("The uploaded file is gone; upload it again.")
    with default_storage.open(upload["path"], "rb") as stored:
        return read_table(stored.read(), upload["name"])


def _import(
    request: HttpRequest, plan: Plan, upload: dict[str, Any], *, skip: bool, dry_run: bool = False
) -> ImportReport:
    parsed = parse_measures(_table(upload), upload["mapping"])
    return import_measures(
        parsed=parsed,
        plan_slug=plan.slug,
        source=upload["name"],
        user=request.user,
        skip_bad_rows=skip,
        dry_run=dry_run,
    )


def _finish(request: HttpRequest, upload: dict[str, Any], report: ImportReport) -> None:
    """Keeps what the result page shows and deletes the file."""
    upload["result"] = {
        "summary": report.summary(),
        "rows_read": report.rows_read,
        "skipped": [str(problem) for problem in report.problems],
    }
    request.session.modified = True
    default_storage.delete(upload["path"])


def _delete_stale_uploads() -> None:
    """Files of wizards abandoned more than a day ago. One directory listing."""
    try:
        _dirs, files = default_storage.listdir(UPLOAD_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - STALE_AFTER
    for name in files:
        path = f"{UPLOAD_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
