from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Prépare une instance : migrations, territoires, référentiel et, sauf --no-demo, "
        "données de démonstration. Chaque étape est sans effet si elle est déjà faite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="sans données de démonstration")

    def handle(self, *args: Any, no_demo: bool, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_territories")
        call_command("load_indicators")
        call_command("load_outlines")
        call_command("load_referential")
        if not no_demo:
            call_command("load_demo")
