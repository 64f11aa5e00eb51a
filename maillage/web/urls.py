from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from maillage.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/", views.account, name="account"),
    path(
        "compte/mot-de-passe/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("web:account")),
        name="password_change",
    ),
]
