from __future__ import annotations

import factory

from maillage.referential.models import Scheme, Term


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"vocabulaire_{n}")
    label = factory.Sequence(lambda n: f"Vocabulaire {n}")
    definition = "Un vocabulaire d'essai."
    position = factory.Sequence(lambda n: n)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    scheme = factory.SubFactory(SchemeFactory)
    code = factory.Sequence(lambda n: f"terme_{n}")
    label = factory.Sequence(lambda n: f"Terme {n}")
    definition = "Un terme d'essai."
    position = factory.Sequence(lambda n: n)
