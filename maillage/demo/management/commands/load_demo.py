from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from maillage.demo.loading import load_demo
from maillage.demo.practices import DemoDataError
from maillage.territories.models import Territory


class Command(BaseCommand):
    help = "Charge les organisations et les comptes de démonstration (sans effet s'ils existent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            accounts = load_demo()
        except Territory.DoesNotExist as error:
            raise CommandError(
                "Les territoires ne sont pas chargés : lancez d'abord `maillage load_territories`."
            ) from error
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Comptes de démonstration (mot de passe entre crochets) :")
        for account in accounts:
            self.stdout.write(f"  {account.email:32} [{account.password}]  {account.role_label}")
