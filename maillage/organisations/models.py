from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CONSEIL_DEPARTEMENTAL = "conseil_departemental", _("Conseil départemental")
    CCAS = "ccas", _("CCAS / CIAS")
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("EPCI")
    CAF = "caf", _("CAF")
    MSA = "msa", _("MSA")
    CPAM_CARSAT = "cpam_carsat", _("CPAM / CARSAT")
    CENTRE_SOCIAL = "centre_social", _("Centre social")
    ASSOCIATION = "association", _("Association")
    COLLECTIF_HABITANTS = "collectif_habitants", _("Collectif d'habitants")
    SERVICE_ETAT = "service_etat", _("Service de l'État")
    ESSMS = "essms", _("Établissement ou service social ou médico-social")
    ORGANISME_FORMATION = "organisme_formation", _("Organisme de formation")
    FONDATION = "fondation", _("Fondation")
    ENTREPRISE = "entreprise", _("Entreprise")
    TETE_DE_RESEAU = "tete_de_reseau", _("Tête de réseau nationale")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinateur départemental (chef de file)")
    PROFESSIONAL = "professional", _("Professionnel")
    PARTNER = "partner", _("Partenaire")
    DOCUMENTALIST = "documentalist", _("Documentaliste")
    JURY_MEMBER = "jury_member", _("Membre de jury")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("Une adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True, is_national_admin=True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person with an account. Inhabitants and participants take part without one."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse électronique"), unique=True)
    is_national_admin = models.BooleanField(
        _("administrateur national"),
        default=False,
        help_text=_("Voit et administre toutes les organisations et tous les territoires."),
    )
    territories = models.ManyToManyField(
        "territories.Territory",
        blank=True,
        related_name="+",
        verbose_name=_("territoires d'intervention"),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Organisation(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=32, choices=OrganisationKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site internet"), blank=True)
    territories = models.ManyToManyField(
        "territories.Territory",
        related_name="organisations",
        blank=True,
        verbose_name=_("territoires couverts"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="organisation_unique_name_kind")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)
    team = models.CharField(
        _("équipe ou service"),
        max_length=150,
        blank=True,
        help_text=_("Ex. « MDS de Roubaix », pour les tableaux de bord du temps consacré."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class OrganisationOwned(models.Model):
    """Base of every object that belongs to an organisation and may be shared with others.

    Its QuerySet gets `visible_to(user)` from `maillage.organisations.access`.
    """

    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    shared_with = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("partagé avec")
    )

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after. Written by the write functions."""

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("auteur")
    )
    action = models.CharField(_("opération"), max_length=64)
    object_type = models.CharField(_("type d'objet"), max_length=64)
    object_id = models.CharField(_("identifiant"), max_length=64)
    object_repr = models.CharField(_("objet"), max_length=200)
    before = models.JSONField(_("avant"), null=True, blank=True)
    after = models.JSONField(_("après"), null=True, blank=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des modifications")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class ApiToken(models.Model):
    """A personal token for API clients. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("début de la clé"), max_length=8)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Notification(models.Model):
    """A message in a person's inbox (review requested, sheet published…), also e-mailed."""

    recipient = models.ForeignKey(User, models.CASCADE, related_name="notifications")
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("lien"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.message
