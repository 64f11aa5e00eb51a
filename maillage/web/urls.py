from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from maillage.organisations.forms import LoginForm
from maillage.organisations.views import notification_list
from maillage.web import views

app_name = "web"
# One page for the three password forms: change, ask for a reset link, choose a new one.
ACCOUNT_FORM_TEMPLATE = "registration/password_form.html"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/", views.account, name="account"),
    path("compte/notifications/", notification_list, name="notifications"),
    path(
        "compte/mot-de-passe/",
        auth_views.PasswordChangeView.as_view(
            template_name=ACCOUNT_FORM_TEMPLATE,
            success_url=reverse_lazy("web:account"),
            extra_context={"title": _("Changer de mot de passe")},
        ),
        name="password_change",
    ),
    path(
        "mot-de-passe-oublie/",
        auth_views.PasswordResetView.as_view(
            template_name=ACCOUNT_FORM_TEMPLATE,
            success_url=reverse_lazy("web:password_reset_done"),
            extra_context={"title": _("Mot de passe oublié")},
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name=ACCOUNT_FORM_TEMPLATE,
            success_url=reverse_lazy("web:password_reset_complete"),
            extra_context={"title": _("Choisir votre mot de passe")},
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/enregistre/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
