from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from adal.api.errors import translate_pydantic_errors
from adal.core.middleware import database_unavailable_response
from adal.councils.api import router as councils_router
from adal.discipline.api import router as discipline_router
from adal.hotline.api import ReceiptThrottled
from adal.hotline.api import router as hotline_router
from adal.portal.api import router as portal_router
from adal.ratings.api import router as ratings_router
from adal.roadmap.api import router as roadmap_router

api = NinjaAPI(
    title="Adal API",
    version="1",
    description=(
        "Public API of Adal's corruption hotline. A report is created with `POST /api/v1/reports`; the "
        "answer carries a public registration number and a secret 16-digit receipt, shown once. Every later "
        "call about the report sends `Authorization: Receipt <16 digits>`. Error messages follow the "
        "`Accept-Language` header (ru, kk, en)."
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/v1/reports", hotline_router)
api.add_router("/v1", discipline_router)
api.add_router("/v1", councils_router)
api.add_router("/v1", ratings_router)
api.add_router("/v1", roadmap_router)
api.add_router("/v1", portal_router)


@api.exception_handler(NinjaValidationError)
def request_invalid(request, exc):
    return api.create_response(request, {"detail": translate_pydantic_errors(exc.errors)}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    # django-ninja answers a body it cannot parse with an English 400; say it in the client's language.
    detail = _("The body is not valid JSON.") if exc.status_code == 400 else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(DjangoValidationError)
def domain_invalid(request, exc):
    detail = [
        {"loc": ["body", name], "msg": m, "type": "value_error"}
        for name, messages in exc.message_dict.items()
        for m in messages
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ReceiptThrottled)
def receipt_throttled(request, exc):
    response = api.create_response(
        request,
        {"detail": exc.verdict.message()},
        status=429,
    )
    response["Retry-After"] = str(exc.verdict.retry_after)
    return response


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    return database_unavailable_response(request)
