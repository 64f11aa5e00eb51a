from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillage.organisations.forms import ProfileForm
from maillage.organisations.operations import update_profile
from maillage.organisations.types import AuthenticatedRequest


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


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
