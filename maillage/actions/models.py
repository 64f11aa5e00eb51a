"""Collective actions: the group or project, the people who take part, its sessions and their
attendance, the time professionals give it, and its logbook.

An action belongs to its carrier organisation (`organisation`) and may be shared, read-only, with
partner organisations (`shared_with`). Participants are kept minimal (a pseudonym or first name,
an age band, a commune; a contact only with recorded consent) and are never required to fit a
scheme: eligibility tags are optional labels that funders' reports count, not conditions.
Attendance and time are facts entered once; every figure (stability, reports, dashboards) is
computed from them in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.organisations.models import OrganisationOwned


class ActionStatus(models.TextChoices):
    PREPARATION = "preparation", _("En préparation")
    ACTIVE = "active", _("En cours")
    SUSPENDED = "suspended", _("Suspendue")
    HANDED_OVER = "handed_over", _("Passée au groupe")
    COMPLETED = "completed", _("Terminée")
    CANCELLED = "cancelled", _("Abandonnée")


class GroupKind(models.TextChoices):
    CLOSED = "closed", _("Groupe fermé")
    OPEN = "open", _("Groupe ouvert")


class CollectiveAction(OrganisationOwned):
    """A group, a community project or a local social development action.

    `organisation` is the carrier; `shared_with` lists the partner organisations that read it.
    """

    title = models.CharField(_("titre"), max_length=200)
    group_name = models.CharField(
        _("nom du groupe"),
        max_length=200,
        blank=True,
        help_text=_("Le nom que le groupe s'est choisi."),
    )
    description = models.TextField(_("présentation"), blank=True)
    isic_form = models.ForeignKey(
        "referential.Term",
        models.PROTECT,
        related_name="+",
        verbose_name=_("forme d'intervention collective"),
    )
    isic_subtype = models.ForeignKey(
        "referential.Term",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sous-type"),
    )
    publics = models.ManyToManyField(
        "referential.Term", related_name="+", blank=True, verbose_name=_("publics")
    )
    themes = models.ManyToManyField(
        "referential.Term", related_name="+", blank=True, verbose_name=_("thèmes")
    )
    territories = models.ManyToManyField(
        "territories.Territory", related_name="+", verbose_name=_("territoires")
    )
    group_kind = models.CharField(
        _("type de groupe"), max_length=8, choices=GroupKind.choices, default=GroupKind.CLOSED
    )
    expected_participants = models.PositiveIntegerField(
        _("nombre de participants attendus"), null=True, blank=True
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    phase = models.ForeignKey(
        "referential.Term",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("phase en cours"),
        help_text=_("Tenue à jour par le journal des phases."),
    )
    planned_withdrawal = models.DateField(
        _("retrait prévu des professionnels"),
        null=True,
        blank=True,
        help_text=_("Date à laquelle le groupe doit prendre le relais."),
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PREPARATION
    )
    priority = models.ForeignKey(
        "diagnostics.Priority",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("priorité du diagnostic dont l'action est issue"),
    )
    practice = models.ForeignKey(
        "practices.Practice",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fiche pratique issue de l'action"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("créée par")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("action collective")
        verbose_name_plural = _("actions collectives")
        ordering = ["-start_date", "title"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="action_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="action_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", args=[self.pk])


class Facilitator(models.Model):
    """A professional who runs the action: with an account (she sees the participants), or named
    only (a psychologist of a partner service, a volunteer)."""

    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="facilitations",
        verbose_name=_("compte"),
    )
    name = models.CharField(
        _("nom"), max_length=150, blank=True, help_text=_("Pour une personne sans compte.")
    )
    function = models.CharField(
        _("fonction"),
        max_length=150,
        blank=True,
        help_text=_("Ex. assistante sociale, psychologue."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("co-animateur")
        verbose_name_plural = _("co-animateurs")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "user"],
                condition=models.Q(user__isnull=False),
                name="facilitator_unique_user",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="facilitator_named",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.name


class Objective(models.Model):
    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    statement = models.TextField(_("objectif"))
    agreed_by = models.CharField(
        _("convenu avec"),
        max_length=300,
        blank=True,
        help_text=_("Qui a validé cet objectif : le groupe, les partenaires, le financeur…"),
    )
    agreed_on = models.DateField(_("convenu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        ordering = ["action", "position", "pk"]

    def __str__(self) -> str:
        return self.statement[:80]


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitatif")
    QUALITATIVE = "qualitative", _("Qualitatif")


class ObjectiveIndicator(models.Model):
    """How an objective will be evaluated, known from the start (the evaluation reads these)."""

    objective = models.ForeignKey(Objective, models.CASCADE, related_name="indicators")
    label = models.CharField(_("indicateur"), max_length=300)
    kind = models.CharField(
        _("nature"), max_length=16, choices=IndicatorKind.choices, default=IndicatorKind.QUALITATIVE
    )
    target = models.CharField(_("cible"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["objective", "pk"]

    def __str__(self) -> str:
        return self.label


class Partner(models.Model):
    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        constraints = [
            models.UniqueConstraint(fields=["action", "organisation"], name="partner_unique")
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Funder(models.Model):
    """A funder of the action, its amount and the conditions it sets. Its report counts the
    participants who carry one of its eligibility tags, beside all participants."""

    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="funders")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.PROTECT,
        related_name="funded_actions",
        verbose_name=_("financeur"),
    )
    amount = models.DecimalField(
        _("montant (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    conditions = models.TextField(_("conditions posées"), blank=True)
    start_date = models.DateField(_("début du soutien"), null=True, blank=True)
    end_date = models.DateField(_("fin du soutien"), null=True, blank=True)

    class Meta:
        verbose_name = _("financeur")
        verbose_name_plural = _("financeurs")
        constraints = [
            models.UniqueConstraint(fields=["action", "organisation"], name="funder_unique"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="funder_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class ActionPhase(models.Model):
    """One step of the action's life (référentiel « phase »), with what was decided there."""

    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="phases")
    phase = models.ForeignKey(
        "referential.Term", models.PROTECT, related_name="+", verbose_name=_("phase")
    )
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"), null=True, blank=True)
    decisions = models.TextField(_("ce qui a été décidé"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["action", "start_date", "pk"]

    def __str__(self) -> str:
        return str(self.phase)


class EligibilityTag(models.Model):
    """A label a funder uses to count « its » public (« allocataire CAF », « bénéficiaire du RSA »).
    Optional on every participant, never a condition for taking part."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.PROTECT,
        related_name="eligibility_tags",
        verbose_name=_("financeur"),
    )
    label = models.CharField(_("libellé"), max_length=100)

    class Meta:
        verbose_name = _("critère d'éligibilité")
        verbose_name_plural = _("critères d'éligibilité")
        ordering = ["organisation__name", "label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "label"], name="eligibility_tag_unique")
        ]

    def __str__(self) -> str:
        return self.label


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("Moins de 18 ans")
    FROM_18 = "18-24", _("18 à 24 ans")
    FROM_25 = "25-39", _("25 à 39 ans")
    FROM_40 = "40-54", _("40 à 54 ans")
    FROM_55 = "55-64", _("55 à 64 ans")
    FROM_65 = "65-79", _("65 à 79 ans")
    FROM_80 = "80+", _("80 ans et plus")
    UNKNOWN = "", _("Non renseigné")


class Participant(models.Model):
    """A person who takes part. Deliberately minimal: no NIR, no health data, no full name.

    `organisations` are the organisations that know the person (those of the actions she joined);
    duplicates are looked for among them. Erasure keeps the row, pseudonymised, so past
    attendance still counts.
    """

    pseudonym = models.CharField(_("prénom ou pseudonyme"), max_length=100)
    age_band = models.CharField(
        _("tranche d'âge"), max_length=8, choices=AgeBand.choices, blank=True, default=""
    )
    commune = models.ForeignKey(
        "territories.Territory",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Téléphone ou adresse électronique, seulement avec l'accord de la personne."),
    )
    contact_consent_at = models.DateTimeField(_("accord recueilli le"), null=True, blank=True)
    contact_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accord recueilli par"),
    )
    eligibility_tags = models.ManyToManyField(
        EligibilityTag, blank=True, related_name="participants", verbose_name=_("éligibilités")
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation", related_name="+", verbose_name=_("organisations")
    )
    erased_at = models.DateTimeField(_("effacée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["pseudonym", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact="") | models.Q(contact_consent_at__isnull=False),
                name="participant_contact_needs_consent",
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym


class Referral(models.TextChoices):
    PROFESSIONAL = "professional", _("Orienté par un professionnel")
    PARTNER = "partner", _("Orienté par un partenaire")
    SELF = "self", _("Venu de lui-même")
    INDIVIDUAL_FOLLOW_UP = "individual_follow_up", _("Issu d'un accompagnement individuel")
    OTHER = "other", _("Autre")


class Enrolment(models.Model):
    """A participant in an action: how she came, when, and where she stands on the ladder of
    participation (référentiel « participation_ladder »)."""

    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="enrolments")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="enrolments")
    referral = models.CharField(
        _("arrivée dans l'action"), max_length=24, choices=Referral.choices, blank=True
    )
    referred_by = models.ForeignKey(
        "organisations.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("orienté par"),
    )
    ladder_step = models.ForeignKey(
        "referential.Term",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("parcours de participation"),
    )
    joined_on = models.DateField(_("arrivée le"))
    left_on = models.DateField(_("départ le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(fields=["action", "participant"], name="enrolment_unique")
        ]
        indexes = [models.Index(fields=["participant"], name="enrolment_participant")]

    def __str__(self) -> str:
        return f"{self.participant} — {self.action}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Chaque semaine")
    FORTNIGHTLY = "fortnightly", _("Toutes les deux semaines")
    MONTHLY = "monthly", _("Chaque mois (même jour de la semaine)")


class SessionSeries(models.Model):
    """A recurring rule (« tous les mercredis soir ») that planned sessions were created from."""

    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="series")
    frequency = models.CharField(_("fréquence"), max_length=16, choices=Frequency.choices)
    first_date = models.DateField(_("première séance"))
    count = models.PositiveSmallIntegerField(_("nombre de séances"))
    start_time = models.TimeField(_("heure"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    theme = models.CharField(_("thème"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("série de séances")
        verbose_name_plural = _("séries de séances")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} ({self.count})"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


class Session(models.Model):
    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="sessions")
    series = models.ForeignKey(
        SessionSeries, models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("heure"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    theme = models.CharField(_("thème"), max_length=200, blank=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    facilitators = models.ManyToManyField(
        Facilitator, blank=True, related_name="sessions", verbose_name=_("animée par")
    )
    headcount = models.PositiveIntegerField(
        _("nombre de présents (sans les noms)"),
        null=True,
        blank=True,
        help_text=_("Quand il n'est pas opportun de noter les noms."),
    )
    note = models.TextField(_("note de séance"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["action", "date", "start_time", "pk"]
        indexes = [models.Index(fields=["action", "date"], name="session_action_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="session_duration_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} — {self.date:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("actions:session", args=[self.action_id, self.pk])


class Presence(models.TextChoices):
    PRESENT = "present", _("Présent")
    EXCUSED = "excused", _("Excusé")
    ABSENT = "absent", _("Absent")
    UNKNOWN = "unknown", _("Non renseigné")


class Attendance(models.Model):
    """One participant at one session. `version` grows at each change so that two people taking
    attendance at once never overwrite each other unknowingly."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="attendances")
    status = models.CharField(
        _("présence"), max_length=8, choices=Presence.choices, default=Presence.UNKNOWN
    )
    version = models.PositiveIntegerField(default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="attendance_unique")
        ]
        indexes = [
            models.Index(fields=["participant", "session"], name="attendance_participant"),
            # Reports count the presences of held sessions: this index answers alone, without
            # reading the rows (about two thirds of all attendance rows).
            models.Index(
                fields=["session"],
                condition=models.Q(status=Presence.PRESENT),
                name="attendance_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.get_status_display()}"


class Activity(models.TextChoices):
    PREPARATION = "preparation", _("Préparation")
    FACILITATION = "facilitation", _("Animation")
    PARTNERSHIP = "partnership", _("Partenariat")
    WRITING = "writing", _("Écrits")
    EVALUATION = "evaluation", _("Évaluation")
    TRAVEL = "travel", _("Déplacements")


class TimeEntry(models.Model):
    """Time a professional gave to an action. `organisation` and `team` are copied from her
    membership when the entry is made, so dashboards group by them without joins through
    memberships that change later."""

    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="time_entries",
        verbose_name=_("professionnel"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    team = models.CharField(_("équipe ou service"), max_length=150, blank=True)
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("durée (minutes)"))
    activity = models.CharField(_("activité"), max_length=16, choices=Activity.choices)
    phase = models.ForeignKey(
        "referential.Term",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("phase"),
    )
    session = models.ForeignKey(
        Session, models.SET_NULL, null=True, blank=True, related_name="time_entries"
    )
    comment = models.CharField(_("commentaire"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("temps consacré")
        verbose_name_plural = _("temps consacré")
        ordering = ["-date", "-pk"]
        # The time reports sum minutes over a period or the actions of a scope: with `minutes`
        # (and the grouping keys) in the index they never read the table itself.
        indexes = [
            models.Index(fields=["action", "date", "minutes"], name="time_action_date_minutes"),
            models.Index(
                fields=["date", "action", "organisation", "minutes"], name="time_date_covering"
            ),
            models.Index(fields=["organisation", "date"], name="time_organisation_date"),
            models.Index(fields=["user", "date"], name="time_user_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="time_minutes_positive")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.minutes} min"


class LogKind(models.TextChoices):
    DECISION = "decision", _("Décision")
    EVENT = "event", _("Événement")
    PITFALL = "pitfall", _("Écueil")
    RESOURCE = "resource", _("Ressource trouvée")
    PROPOSAL = "proposal", _("Proposition des participants")
    CONVIVIAL = "convivial", _("Moment convivial")


class LogEntry(models.Model):
    """The action's logbook: what the evaluation and the practice sheet will draw on."""

    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="log_entries")
    date = models.DateField(_("date"))
    kind = models.CharField(_("nature"), max_length=16, choices=LogKind.choices)
    text = models.TextField(_("texte"))
    outcome = models.TextField(
        _("suite donnée"),
        blank=True,
        help_text=_("Pour une proposition : ce qu'elle a changé, ce qui a été répondu au groupe."),
    )
    highlight = models.BooleanField(_("à retenir pour la capitalisation"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entrée du journal de bord")
        verbose_name_plural = _("journal de bord")
        ordering = ["action", "-date", "-pk"]

    def __str__(self) -> str:
        return self.text[:80]


def _document_path(instance: ActionDocument, filename: str) -> str:
    return f"actions/{instance.action_id}/{filename}"


class ActionDocument(models.Model):
    action = models.ForeignKey(CollectiveAction, models.CASCADE, related_name="documents")
    log_entry = models.ForeignKey(
        LogEntry, models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    file = models.FileField(_("fichier"), upload_to=_document_path)
    title = models.CharField(_("titre"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title
