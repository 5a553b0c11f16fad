from django.conf import settings


def site(request):
    # Each language is offered in its own name, whatever the page's language.
    return {"SITE_NAME": settings.SITE_NAME, "LANGUAGE_CHOICES": settings.LANGUAGES}
