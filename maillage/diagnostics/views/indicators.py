"""Pages of the indicator catalogue: the catalogue by theme, an indicator's page, creating and
changing an indicator, and importing a file of values.

The import is in two steps, so that nothing is written before the person has read the report:
the upload is checked (a dry run) and kept in a private temporary file under
`DATA_DIR / "imports"`, named by a random token kept in her session; the « Importer » button
sends only that token, and the file is deleted once imported (or after a day).

Reads go through QuerySets and `access`, writes through `operations.indicators`.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from maillage.diagnostics import access, profiles
from maillage.diagnostics.forms_indicators import IndicatorForm, IndicatorImportForm
from maillage.diagnostics.indicator_files import read_indicator_table
from maillage.diagnostics.lookups import indicator_by_code
from maillage.diagnostics.models import Indicator, Theme
from maillage.diagnostics.operations import indicators as operations
from maillage.organisations.access import require
from maillage.web.operation_errors import show_operation_errors

SESSION_KEY = "indicator_import"
UPLOAD_LIFETIME = 24 * 3600


@dataclass(frozen=True)
class ThemeGroup:
    theme: str
    label: str
    indicators: list[Indicator]


def indicator_list(request: HttpRequest) -> HttpResponse:
    theme = request.GET.get("theme", "")
    if theme not in Theme.values:
        theme = ""
    indicators = Indicator.objects.select_related("organisation", "numerator", "denominator")
    if theme:
        indicators = indicators.filter(theme=theme)
    order = {value: index for index, value in enumerate(Theme.values)}
    listed = sorted(indicators, key=lambda item: (order[item.theme], item.label.lower()))
    labels = dict(Theme.choices)
    groups = [
        ThemeGroup(key, str(labels[key]), list(items))
        for key, items in groupby(listed, key=lambda item: item.theme)
    ]
    return render(
        request,
        "diagnostics/indicator_list.html",
        {
            "groups": groups,
            "themes": Theme.choices,
            "theme": theme,
            "count": len(listed),
            "can_create": access.can_create_indicator(request.user),
        },
    )


def _france(indicator: Indicator) -> tuple[float | None, int]:
    """The value for France and the number of communes it rests on, from the kept totals."""
    figure = profiles.national_figure(indicator)
    return figure.value, figure.communes_with_value


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = indicator_by_code(
        code, Indicator.objects.select_related("organisation", "numerator", "denominator")
    )
    france, communes = _france(indicator)
    imports = (
        indicator.imports.select_related("imported_by")
        if not indicator.is_ratio
        else indicator.imports.none()
    )
    used_by = Indicator.objects.filter(Q(numerator=indicator) | Q(denominator=indicator))
    return render(
        request,
        "diagnostics/indicator_detail.html",
        {
            "indicator": indicator,
            "france": france,
            "communes": communes,
            "imports": imports[:5],
            "used_by": used_by.order_by("label"),
            "can_edit": access.can_fill_indicator(request.user, indicator),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest) -> HttpResponse:
    require(access.can_create_indicator(request.user), str(operations.CREATE_REFUSAL))
    form = IndicatorForm(request.POST or None, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            indicator = operations.create_indicator(actor=request.user, **form.operation_fields())  # type: ignore[arg-type]
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(request, _("L'indicateur « %s » est créé.") % indicator.label)
            return redirect(indicator)
    return render(request, "diagnostics/indicator_form.html", {"form": form, "indicator": None})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, code: str) -> HttpResponse:
    indicator = indicator_by_code(code)
    require(access.can_fill_indicator(request.user, indicator), str(operations.FILL_REFUSAL))
    initial = {
        name: getattr(indicator, name)
        for name in (
            "label",
            "theme",
            "aggregation",
            "numerator",
            "denominator",
            "scale",
            "unit",
            "source",
            "year",
            "definition",
            "is_sample",
        )
    }
    form = IndicatorForm(
        request.POST or None,
        user=request.user,  # type: ignore[arg-type]
        indicator=indicator,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            operations.update_indicator(
                actor=request.user,  # type: ignore[arg-type]
                indicator=indicator,
                **form.operation_fields(),
            )
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            messages.success(request, _("Les modifications sont enregistrées."))
            return redirect(indicator)
    return render(
        request, "diagnostics/indicator_form.html", {"form": form, "indicator": indicator}
    )


# --- Import --------------------------------------------------------------------------------


def _uploads() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _forget_old_uploads(folder: Path) -> None:
    limit = time.time() - UPLOAD_LIFETIME
    for path in folder.glob("*.upload"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _keep(data: bytes) -> str:
    """Keep the upload in a file only this server reads; returns its token."""
    folder = _uploads()
    _forget_old_uploads(folder)
    token = secrets.token_urlsafe(24)
    descriptor = os.open(folder / f"{token}.upload", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as kept:
        kept.write(data)
    return token


def _kept(request: HttpRequest, token: str) -> tuple[Path, str] | None:
    """The kept file of this person's pending import, if the token is hers and still there."""
    pending = request.session.get(SESSION_KEY) or {}
    if not token or not secrets.compare_digest(str(pending.get("token", "")), token):
        return None
    path = _uploads() / f"{pending['token']}.upload"
    return (path, pending["file_name"]) if path.is_file() else None


def _forget_pending(request: HttpRequest) -> None:
    """A new upload replaces the one waiting in this session."""
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        (_uploads() / f"{pending['token']}.upload").unlink(missing_ok=True)


def _confirm(request: HttpRequest) -> HttpResponse:
    kept = _kept(request, request.POST.get("token", ""))
    if kept is None:
        messages.error(
            request,
            _(
                "Ce fichier n'est plus en attente (déjà importé ou trop ancien) : envoyez-le de nouveau."
            ),
        )
        return redirect("diagnostics:indicator_import")
    path, file_name = kept
    try:
        table = read_indicator_table(path.read_bytes(), file_name)
        report = operations.import_indicator_values(
            actor=request.user,  # type: ignore[arg-type]
            table=table,
            file_name=file_name,
        )
    finally:
        path.unlink(missing_ok=True)
        request.session.pop(SESSION_KEY, None)
    return render(
        request,
        "diagnostics/indicator_import_result.html",
        {"report": report, "indicators": _touched(report.indicators)},
    )


def _touched(codes: list[str]) -> list[Indicator]:
    return list(Indicator.objects.filter(code__in=codes).order_by("label"))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_import(request: HttpRequest) -> HttpResponse:
    require(
        access.can_create_indicator(request.user),
        _(
            "Seuls les coordinateurs d'une organisation et les administrateurs nationaux "
            "importent des valeurs d'indicateurs."
        ),
    )
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = IndicatorImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = read_indicator_table(data, upload.name)
        except ValidationError as error:
            show_operation_errors(form, error)
        else:
            report = operations.import_indicator_values(
                actor=request.user,  # type: ignore[arg-type]
                table=table,
                file_name=upload.name,
                dry_run=True,
            )
            context: dict[str, Any] = {
                "report": report,
                "table": table,
                "indicators": _touched(report.indicators),
            }
            _forget_pending(request)
            if report.values_to_write:
                context["token"] = _keep(data)
                request.session[SESSION_KEY] = {
                    "token": context["token"],
                    "file_name": upload.name[:255],
                }
            return render(request, "diagnostics/indicator_import_report.html", context)
    return render(request, "diagnostics/indicator_import.html", {"form": form})
