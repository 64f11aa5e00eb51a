from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.organisations import access, operations
from maillage.organisations.forms import (
    AuditFilterForm,
    MemberForm,
    OrganisationFilterForm,
    OrganisationForm,
)
from maillage.organisations.invitations import send_invitation
from maillage.organisations.models import AuditEntry, Membership, Organisation
from maillage.organisations.notifications import mark_read
from maillage.organisations.types import AuthenticatedRequest
from maillage.territories.models import Territory
from maillage.web.operation_errors import flash_operation_errors


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    organisations = Organisation.objects.annotate(
        member_count=Count("memberships")
    ).prefetch_related(Prefetch("territories", queryset=Territory.objects.order_by("name")))
    if form.is_valid():
        if query := form.cleaned_data["q"]:
            organisations = organisations.filter(name__icontains=query)
        if kind := form.cleaned_data["kind"]:
            organisations = organisations.filter(kind=kind)
    page = Paginator(organisations.order_by("name"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/list.html",
        {
            "form": form,
            "page": page,
            "can_create": access.can_create_organisation(request.user),
        },
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.prefetch_related("territories"), pk=pk)
    can_manage = access.can_manage_organisation(request.user, organisation)
    # Members' names and addresses are personal data: only colleagues and managers see them.
    can_see_members = can_manage or organisation.pk in access.organisation_ids(request.user)
    members = (
        organisation.memberships.select_related("user").order_by("user__last_name", "user__email")
        if can_see_members
        else Membership.objects.none()
    )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "members": members,
            "can_manage": can_manage,
            "can_see_members": can_see_members,
            "member_form": MemberForm() if can_manage else None,
        },
    )


@login_required
def organisation_create(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_create_organisation(request.user):
        raise PermissionDenied(
            _("Seuls les coordinateurs et les administrateurs nationaux créent des organisations.")
        )
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = operations.create_organisation(actor=request.user, **form.cleaned_data)
        messages.success(request, _("L'organisation est créée."))
        return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": None})


@login_required
def organisation_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not access.can_manage_organisation(request.user, organisation):
        raise PermissionDenied(
            _("Seuls les coordinateurs de cette organisation peuvent la modifier.")
        )
    # The form validates its own copy; the write function audits the change from the stored one.
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        operations.update_organisation(
            actor=request.user, organisation=organisation, **form.cleaned_data
        )
        messages.success(request, _("L'organisation est enregistrée."))
        return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def member_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            invitation = operations.add_member(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            flash_operation_errors(request, error)
        else:
            if invitation.user_created:
                send_invitation(request, invitation.membership.user, organisation)
                messages.success(
                    request,
                    _(
                        "Le compte est créé ; une invitation à choisir son mot de passe est envoyée."
                    ),
                )
            else:
                messages.success(request, _("Le rôle est ajouté."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
    return redirect("organisations:detail", pk=organisation.pk)


@login_required
@require_POST
def member_remove(request: AuthenticatedRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"), pk=membership_pk, organisation_id=pk
    )
    try:
        operations.remove_member(actor=request.user, membership=membership)
    except ValidationError as error:
        flash_operation_errors(request, error)
    else:
        messages.success(request, _("Le rôle est retiré."))
    return redirect("organisations:detail", pk=pk)


@login_required
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    if not access.can_read_audit(request.user):
        raise PermissionDenied(_("Le journal des modifications est réservé aux administrateurs."))
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor")
    if form.is_valid():
        if object_type := form.cleaned_data["object_type"]:
            entries = entries.filter(object_type=object_type)
        if actor := form.cleaned_data["actor"]:
            entries = entries.filter(actor__email__iexact=actor)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "organisations/audit.html", {"form": form, "page": page})


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """The person's inbox, newest first; the button marks the unread ones of the page as read."""
    if request.method == "POST":
        ids = request.POST.getlist("notification")
        count = mark_read(request.user, [int(pk) for pk in ids if pk.isdigit()] if ids else None)
        messages.success(
            request,
            ngettext(
                "%(count)d notification marquée comme lue.",
                "%(count)d notifications marquées comme lues.",
                count,
            )
            % {"count": count},
        )
        return redirect("web:notifications")
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    return render(request, "organisations/notifications.html", {"page": page})
