from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, say plainly that nothing was saved.

    Every write is one transaction, so a failure leaves no partial row; the services remove any
    file they wrote before the failure.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return database_unavailable_response(request)


def database_unavailable_response(request):
    from django.utils.translation import gettext as _

    message = _("Nothing was saved: our database is not answering. Please try again in a few minutes.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        # Rendered without the request context: the context processors would touch the database.
        from django.http import HttpResponse

        response = HttpResponse(
            render_to_string("core/db_unavailable.html", {"message": message}), status=503
        )
    response["Retry-After"] = "120"
    return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than any allowed form with its files (413)
    before anything reads it. Without a Content-Length Django reads no body at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ADAL_REQUEST_MAX_BYTES:
            return request_too_large_response(request)
        return self.get_response(request)


def request_too_large_response(request):
    from django.utils.translation import gettext as _

    message = _(
        "Nothing was saved: what you sent is larger than %(limit)d MB. Send at most %(count)d files of "
        "%(size)d MB each."
    ) % {
        "limit": settings.ADAL_REQUEST_MAX_BYTES // 2**20,
        "count": settings.ADAL_ATTACHMENT_MAX_COUNT,
        "size": settings.ADAL_ATTACHMENT_MAX_BYTES // 2**20,
    }
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=413)
    else:
        response = render(request, "core/request_too_large.html", {"message": message}, status=413)
    return response
