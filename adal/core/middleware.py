from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
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
