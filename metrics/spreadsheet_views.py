"""The spreadsheet round trip of the quarterly entry page: download the office's template,
upload it filled in. The workbook work is in metrics.spreadsheets; these are recipes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from metrics.access import get_call_office_for_user
from metrics.entry import entry_rows
from metrics.models import DataCall
from metrics.services import ConflictError, WorkflowError, lock_message, save_values
from metrics.spreadsheets import (
    UploadForm,
    build_template,
    conflict_message,
    entries_from_upload,
    read_upload,
    saved_message,
)
from plans.models import Office


@require_GET
def download_template(request: HttpRequest, pk: int, office: str) -> HttpResponse:
    data_call, office_obj = get_call_office_for_user(request.user, pk, office, action="enter")
    groups = entry_rows(data_call, office_obj)
    filename, content_type, content = build_template(data_call, office_obj, groups)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"  # the office's unpublished values
    return response


@require_http_methods(["GET", "POST"])
def upload_values(request: HttpRequest, pk: int, office: str) -> HttpResponse:
    data_call, office_obj = get_call_office_for_user(request.user, pk, office, action="enter")
    locked = lock_message(data_call, office_obj, timezone.localdate())
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    errors: list[str] = []
    if posted and locked:
        errors = [locked]
    elif posted and form.is_valid():
        errors = _save_upload(request, data_call, office_obj, form)
        if not errors:
            return redirect("metrics:quarter-entry", pk=data_call.pk, office=office_obj.code)
    elif posted:
        errors = [
            f"{form[name].label}: {error}" for name in form.errors for error in form.errors[name]
        ]
    context = {
        "data_call": data_call,
        "plan": data_call.plan,
        "office": office_obj,
        "form": form,
        "locked": locked,
        "errors": errors,
    }
    return render(request, "metrics/quarter_upload.html", context)


def _save_upload(
    request: HttpRequest, data_call: DataCall, office: Office, form: UploadForm
) -> list[str]:
    """Checks every row, then saves them all in one transaction or none; the problems."""
    rows = {row.metric.pk: row for group in entry_rows(data_call, office) for row in group.rows}
    result = read_upload(form.cleaned_data["file"], rows)
    entries, errors = entries_from_upload(result, rows, submitting=form.submitting)
    if errors:
        return errors
    try:
        written = save_values(
            data_call=data_call,
            office=office,
            entries=entries,
            user=request.user,
            submit=form.submitting,
        )
    except ConflictError as error:
        return [conflict_message(error, result)]
    except WorkflowError as error:
        return [str(error)]
    messages.success(request, saved_message(len(written), submitting=form.submitting))
    return []
