"""The address a request comes from, for the staff sign-in throttle (never stored for a reporter)."""

from django.conf import settings


def client_address(request) -> str:
    """``REMOTE_ADDR``; behind ``ADAL_TRUSTED_PROXIES`` reverse proxies, the address the outermost of
    them saw: the N-th entry of ``X-Forwarded-For`` from the right. Entries further left were written
    by the client and prove nothing. A request with fewer entries did not come through the proxies."""
    proxies = settings.ADAL_TRUSTED_PROXIES
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
