from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from maillage.organisations.forms import ProfileForm
from maillage.organisations.models import Organisation
from maillage.organisations.operations import update_profile
from maillage.organisations.types import AuthenticatedRequest
from maillage.referential.models import Term
from maillage.territories.models import Level, Territory

CYCLE = (
    (
        _("Diagnostic partagé"),
        _("Les indicateurs du territoire et la parole des habitants et des professionnels."),
    ),
    (
        _("Action collective"),
        _(
            "Groupes, travail communautaire, développement social local : séances, présences, partenaires, temps consacré."
        ),
    ),
    (
        _("Évaluation participative"),
        _(
            "Des indicateurs posés dès le départ, et tous les acteurs, personnes concernées comprises, qui y répondent."
        ),
    ),
    (
        _("Pratique inspirante"),
        _("Une fiche qui rend la démarche reproductible, relue avant publication."),
    ),
    (_("Diffusion"), _("Recherche, prix annuel et réseau national de documentation.")),
    (_("Financements"), _("Collectifs locaux, fonds d'innovation sociale et appels à projets.")),
)


def home(request: HttpRequest) -> HttpResponse:
    counts = {
        "communes": Territory.objects.filter(level=Level.COMMUNE).count(),
        "terms": Term.objects.filter(is_active=True).count(),
        "organisations": Organisation.objects.count(),
    }
    return render(request, "web/home.html", {"cycle": CYCLE, "counts": counts})


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        update_profile(actor=user, user=user, **form.cleaned_data)
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("web:account")
    memberships = user.memberships.select_related("organisation").order_by("organisation__name")
    return render(request, "web/account.html", {"form": form, "memberships": memberships})
