"""The e-mail that lets an invited person choose her password."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from maillage.organisations.models import Organisation, User


def send_invitation(request: HttpRequest, user: User, organisation: Organisation) -> None:
    path = reverse(
        "web:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "organisation": organisation,
        "inviter": request.user,
        "url": request.build_absolute_uri(path),
    }
    send_mail(
        subject=render_to_string("organisations/invitation_subject.txt", context).strip(),
        message=render_to_string("organisations/invitation_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
