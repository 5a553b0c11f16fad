from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string


class PermissionsPolicyMiddleware:
    """Deny the browser features Adal never uses (``ADAL_PERMISSIONS_POLICY``) on every response,
    static files and error pages included: a script injected anywhere cannot reach a camera, a
    microphone or the reporter's location."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.ADAL_PERMISSIONS_POLICY)
        return response


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
    """Refuse a request whose declared body is larger than its view takes (413) before anything reads
    it (CSRF's check reads the form: this runs before it). Without a Content-Length Django reads no
    body at all. The limit is ADAL_REQUEST_MAX_BYTES unless the view says otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "request_max_bytes", None)
        limit = limit() if limit else settings.ADAL_REQUEST_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        return request_too_large_response(request, limit) if length > limit else None


def request_max_bytes(limit):
    """Let one view take requests up to ``limit()`` bytes instead of ADAL_REQUEST_MAX_BYTES (e.g. a
    survey's microdata file). Put it outermost."""

    def decorate(view):
        view.request_max_bytes = limit
        return view

    return decorate


def request_too_large_response(request, limit: int):
    from django.utils.translation import gettext as _

    message = _("Nothing was saved: what you sent is larger than %(limit)d MB.") % {"limit": limit // 2**20}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "core/request_too_large.html", {"message": message}, status=413)
