"""The versioned JSON API. Each domain app contributes a router; errors are JSON with a French
`detail` and, for invalid input, `errors` by field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from maillage.actions.api import router as actions_router
from maillage.diagnostics.api import router as diagnostics_router
from maillage.ingestion.api import router as ingestion_router
from maillage.organisations.api import router as organisations_router
from maillage.practices.api import router as practices_router
from maillage.referential.api import router as referential_router
from maillage.territories.api import router as territories_router
from maillage.validation_messages import french_message

api = NinjaAPI(
    title="API Maillage",
    version="1",
    description=(
        "API publique de Maillage, l'application du travail social collectif et du "
        "développement social. Les erreurs sont renvoyées en JSON : `detail` (message) et, "
        "pour une donnée invalide, `errors` (messages par champ)."
    ),
    urls_namespace="api",
    openapi_url="/schema",
    docs_url="/docs",
)


def _field_path(location: tuple[object, ...]) -> str:
    parts = [str(part) for part in location if part not in {"body", "query", "path", "payload"}]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_path(tuple(error.get("loc", ()))), []).append(
            french_message(error)
        )
    return api.create_response(
        request, {"detail": "Données invalides.", "errors": errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises its own 400 when the body is not JSON; say it in French.
    unreadable = exc.status_code == 400 and str(exc).startswith("Cannot parse request body")
    detail = "Corps de la requête illisible : JSON invalide." if unreadable else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(DjangoValidationError)
def rejected_by_model(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request, {"detail": "Données invalides.", "errors": errors}, status=422
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    detail = str(exc) or "Ressource introuvable."
    return api.create_response(request, {"detail": detail}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or "Vous n'avez pas le droit d'effectuer cette opération."
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Authentification requise."}, status=401)


api.add_router("/territories", territories_router)
api.add_router("/referential", referential_router)
api.add_router("/organisations", organisations_router)
api.add_router("/practices", practices_router)
api.add_router("/actions", actions_router)
api.add_router("/diagnostics", diagnostics_router)
api.add_router("/ingestion", ingestion_router)
