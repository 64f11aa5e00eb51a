"""Pages of the practice sheets. Reads go through QuerySets and the search module, writes through
`maillage.practices.operations`, permissions through `maillage.practices.access`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from maillage.organisations.access import organisation_ids
from maillage.organisations.models import Organisation
from maillage.organisations.types import AuthenticatedRequest
from maillage.practices import access, operations
from maillage.practices.attachments import stored_file_response
from maillage.practices.display import sheet
from maillage.practices.forms import (
    AttachmentForm,
    CommentForm,
    PracticeForm,
    ReturnForm,
    SourceFormSet,
    source_rows,
)
from maillage.practices.map import departement_map
from maillage.practices.models import (
    Practice,
    PracticeAttachment,
    PracticeRevision,
    Status,
)
from maillage.practices.pdf import render_pdf
from maillage.practices.search import FACETS, SearchQuery, search_practices, similar_practices
from maillage.practices.search import suggest as suggest_titles
from maillage.practices.searchpage import SearchPage, parse_query
from maillage.practices.snapshot import practice_for_snapshot, snapshot
from maillage.web.operation_errors import flash_operation_errors, show_operation_errors

LIST_SIZE = 30


def _wants_fragment(request: HttpRequest) -> bool:
    """htmx asks for the results region only, except when it restores a page from history."""
    return request.headers.get("HX-Request") == "true" and not (
        request.headers.get("HX-Boosted") or request.headers.get("HX-History-Restore-Request")
    )


@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    query = parse_query(request.GET)
    page = SearchPage(search_practices(query), request.GET)
    template = (
        "practices/_search_results.html" if _wants_fragment(request) else "practices/search.html"
    )
    return render(
        request, template, {"search": page, "can_create": access.can_create(request.user)}
    )


def suggestions(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:100]
    titles = suggest_titles(text) if len(text) >= 2 else []
    return render(request, "practices/_suggestions.html", {"titles": titles, "text": text})


def _practice(pk: int) -> Practice:
    return get_object_or_404(
        Practice.objects.select_related("published_revision", "author", "organisation"), pk=pk
    )


def _visible(request: HttpRequest, pk: int) -> Practice:
    """The sheet if `request.user` may read it; 404 otherwise, so drafts stay unknown."""
    practice = _practice(pk)
    if not access.can_view(request.user, practice):
        raise Http404(_("Aucune fiche publiée ne porte ce numéro."))
    return practice


def _shown_content(
    request: HttpRequest, practice: Practice, *, insider: bool
) -> tuple[dict[str, Any], bool]:
    """The content to show and whether it is the working version rather than the published one.

    Visitors read the published revision; editors and reviewers (`insider`) read the working
    version when they ask for it (`?version=travail`) or when nothing is published yet."""
    if insider and (request.GET.get("version") == "travail" or not access.is_public(practice)):
        latest = practice.revisions.order_by("-number").first()
        content = latest.content if latest else snapshot(practice_for_snapshot(practice.pk))
        return content, True
    if practice.published_revision is None:
        raise Http404(_("Aucune fiche publiée ne porte ce numéro."))
    return practice.published_revision.content, False


def _is_insider(request: HttpRequest, practice: Practice) -> bool:
    return access.is_editor(request.user, practice) or access.can_review(request.user, practice)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _visible(request, pk)
    is_editor = access.is_editor(request.user, practice)
    can_review = access.can_review(request.user, practice)
    insider = is_editor or can_review
    content, working = _shown_content(request, practice, insider=insider)
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "sheet": sheet(content),
            "working": working,
            "insider": insider,
            "can_edit": is_editor and practice.status in access.EDITABLE_STATUSES,
            "can_review": can_review,
            "is_public": access.is_public(practice),
            "revisions": (
                practice.revisions.select_related("created_by").order_by("-number")
                if insider
                else PracticeRevision.objects.none()
            ),
            "attachments": practice.attachments.order_by("title"),
            "similar": similar_practices(practice.pk) if access.is_public(practice) else [],
        },
    )


def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _visible(request, pk)
    content, working = _shown_content(request, practice, insider=_is_insider(request, practice))
    document = render_pdf(request, practice, sheet(content), working=working)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="pratique-{practice.pk}.pdf"'
    return response


def _edit_page(
    request: AuthenticatedRequest, practice: Practice | None, initial: dict[str, Any]
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = PracticeForm(
        data,
        initial=initial,
        organisations=(
            None
            if practice
            else Organisation.objects.filter(pk__in=organisation_ids(request.user)).order_by("name")
        ),
    )
    sources = SourceFormSet(
        data,
        prefix="sources",
        initial=(
            [
                {key: getattr(source, key) for key in ("title", "url", "locator", "note")}
                for source in practice.sources.all()
            ]
            if practice
            else None
        ),
    )
    if data is not None and form.is_valid() and sources.is_valid():
        fields = form.operation_fields(source_rows(sources))
        try:
            if practice is None:
                practice = operations.create_practice(actor=request.user, **fields)
            else:
                practice = operations.update_practice(
                    actor=request.user, practice=practice, **fields
                )
            if request.POST.get("action") == "submit":
                operations.submit_practice(actor=request.user, practice=practice)
                messages.success(request, _("La fiche est soumise à relecture."))
                return redirect("practices:mine")
        except ValidationError as error:
            show_operation_errors(form, error, {"organisations": "carriers"})
        else:
            messages.success(request, _("Le brouillon est enregistré."))
            return redirect("practices:update", pk=practice.pk)
    return render(
        request,
        "practices/form.html",
        {
            "form": form,
            "sources": sources,
            "practice": practice,
            "attachment_form": AttachmentForm(),
            "attachments": practice.attachments.order_by("title") if practice else [],
        },
    )


@login_required
def create(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_create(request.user):
        raise PermissionDenied(
            _("Seuls les membres d'une organisation rédigent des fiches de pratique.")
        )
    return _edit_page(request, None, {})


@login_required
def update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    practice = get_object_or_404(
        Practice.objects.prefetch_related(
            "isic_forms",
            "methods",
            "publics",
            "themes",
            "territories",
            "sources",
            "organisation_links",
        ),
        pk=pk,
    )
    if not access.can_edit(request.user, practice):
        raise PermissionDenied(
            _(
                "Seuls l'auteur et les membres de son organisation modifient cette fiche, "
                "et pas pendant sa relecture."
            )
        )
    return _edit_page(request, practice, PracticeForm.initial_for(practice))


@login_required
@require_POST
def submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        operations.submit_practice(actor=request.user, practice=_practice(pk))
    except ValidationError as error:
        flash_operation_errors(request, error)
    else:
        messages.success(request, _("La fiche est soumise à relecture."))
    return redirect("practices:mine")


@login_required
@require_POST
def attachment_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    practice = _practice(pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            operations.add_attachment(
                actor=request.user,
                practice=practice,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            flash_operation_errors(request, error)
        else:
            messages.success(request, _("La pièce jointe est ajoutée."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("practices:update", pk=pk)


@login_required
@require_POST
def attachment_remove(request: AuthenticatedRequest, pk: int, attachment_pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        PracticeAttachment.objects.select_related("practice"), pk=attachment_pk, practice_id=pk
    )
    operations.remove_attachment(actor=request.user, attachment=attachment)
    messages.success(request, _("La pièce jointe est retirée."))
    return redirect("practices:update", pk=pk)


def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    practice = _visible(request, pk)
    attachment = get_object_or_404(practice.attachments, pk=attachment_pk)
    return stored_file_response(
        attachment.file, attachment.content_type, attachment.file.name.rsplit("/", 1)[-1]
    )


@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    sheets = (
        Practice.objects.filter(
            Q(author=request.user) | Q(organisation_id__in=organisation_ids(request.user))
        )
        .select_related("author")
        .order_by("-updated_at")
    )
    page = Paginator(sheets, LIST_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "practices/mine.html",
        {"page": page, "can_create": access.can_create(request.user)},
    )


@login_required
def review(request: AuthenticatedRequest) -> HttpResponse:
    if not access.is_reviewer(request.user):
        raise PermissionDenied(
            _("La relecture est réservée aux documentalistes et aux coordinateurs.")
        )
    in_scope = access.reviewable(
        Practice.objects.select_related("author", "organisation"), request.user
    )
    submitted = Paginator(
        in_scope.filter(status=Status.SUBMITTED).order_by("updated_at"), LIST_SIZE
    ).get_page(request.GET.get("page"))
    published = Paginator(
        in_scope.filter(status=Status.PUBLISHED).order_by("-published_at"), LIST_SIZE
    ).get_page(request.GET.get("publiees"))
    return render(
        request,
        "practices/review.html",
        {
            "page": submitted,
            "published": published,
            "return_form": ReturnForm(),
            "comment_form": CommentForm(),
        },
    )


def _review_step(request: AuthenticatedRequest, pk: int, step: str) -> HttpResponse:
    practice = _practice(pk)
    form: forms.Form = ReturnForm(request.POST) if step == "return" else CommentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("practices:review")
    comment = form.cleaned_data["comment"]
    done = {
        "publish": (operations.publish_practice, _("La fiche « %(title)s » est publiée.")),
        "return": (
            operations.return_practice,
            _("La fiche « %(title)s » est renvoyée à l'auteur."),
        ),
        "archive": (operations.archive_practice, _("La fiche « %(title)s » est archivée.")),
    }
    operation, message = done[step]
    try:
        operation(actor=request.user, practice=practice, comment=comment)
    except ValidationError as error:
        flash_operation_errors(request, error)
    else:
        messages.success(request, message % {"title": practice.title})
    return redirect("practices:review")


@login_required
@require_POST
def publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _review_step(request, pk, "publish")


@login_required
@require_POST
def return_to_author(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _review_step(request, pk, "return")


@login_required
@require_POST
def archive(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _review_step(request, pk, "archive")


def statistics(request: HttpRequest) -> HttpResponse:
    result = search_practices(SearchQuery(per_page=1))
    tables = [
        (FACETS[key], result.facets.get(key, [])) for key in ("isic_form", "theme", "departement")
    ]
    counts = {value.value: value.count for value in result.facets.get("departement", [])}
    return render(
        request,
        "practices/statistics.html",
        {"total": result.total, "tables": tables, "map": departement_map(counts)},
    )
