from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.organisations.models import User
from maillage.organisations.tokens import create_api_token


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un utilisateur et affiche la clé (une seule fois)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="adresse électronique du compte")
        parser.add_argument("name", help="nom du jeton, par exemple le nom du logiciel client")

    def handle(self, *args: Any, email: str, name: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif pour l'adresse {email}.")
        token, key = create_api_token(actor=user, name=name)
        self.stdout.write(
            f"Jeton « {token.name} » créé. Clé (à conserver, elle ne sera plus affichée) :"
        )
        self.stdout.write(key)
