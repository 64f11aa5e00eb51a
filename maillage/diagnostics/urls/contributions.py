from __future__ import annotations

from django.urls import path

from maillage.diagnostics.views import contributions

urlpatterns = [
    path("participer/<str:token>/", contributions.contribute, name="contribute"),
    path(
        "participer/<str:token>/merci/", contributions.contribute_thanks, name="contribute_thanks"
    ),
    path("<int:pk>/contribuer/", contributions.contribute_signed_in, name="contribute_signed_in"),
    path("<int:pk>/partager/", contributions.share, name="share"),
    path("<int:pk>/partager/qr.svg", contributions.share_qr, name="share_qr"),
    path("<int:pk>/partager/affiche/", contributions.share_poster, name="share_poster"),
    path("<int:pk>/contributions/", contributions.moderation, name="moderation"),
    path(
        "contributions/<int:pk>/moderer/",
        contributions.contribution_moderate,
        name="contribution_moderate",
    ),
    path("<int:pk>/mise-en-commun/", contributions.pooling, name="pooling"),
]
