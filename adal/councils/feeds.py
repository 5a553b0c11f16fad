"""Atom feeds of the councils' publications (news, public minutes, proposals): one per council, and
one for all councils together."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from adal.councils.models import Council
from adal.councils.selectors import Publication, publications

ENTRY_PAGES = {"news": "councils:news", "minutes": "councils:meeting", "proposal": "councils:proposal"}


def entry_title(entry: Publication) -> str:
    if entry.kind == "minutes":
        day = formats.date_format(entry.obj.held_on, "SHORT_DATE_FORMAT")
        return _("Minutes of the meeting of %(date)s") % {"date": day}
    if entry.kind == "proposal":
        return _("Proposal: %(title)s") % {"title": entry.obj.title}
    return entry.obj.title


def entry_text(entry: Publication) -> str:
    if entry.kind == "minutes":
        return entry.obj.minutes
    if entry.kind == "proposal":
        p = entry.obj
        state = _("To %(addressee)s. State: %(state)s.") % {
            "addressee": p.addressee,
            "state": p.get_state_display(),
        }
        return f"{state}\n\n{p.text}"
    return entry.obj.body


class PublicationsFeed(Feed):
    feed_type = Atom1Feed

    def items(self, council: Council | None):
        return publications(council=council)

    def item_title(self, entry: Publication) -> str:
        return entry_title(entry)

    def item_description(self, entry: Publication) -> str:
        # Atom readers take the summary as HTML: the text is escaped, its paragraphs kept.
        return linebreaks(Truncator(entry_text(entry)).words(120), autoescape=True)

    def item_link(self, entry: Publication) -> str:
        return reverse(ENTRY_PAGES[entry.kind], args=[entry.council.slug, entry.obj.pk])

    def item_pubdate(self, entry: Publication):
        return entry.published_at

    def item_updateddate(self, entry: Publication):
        return entry.updated_at

    def item_author_name(self, entry: Publication) -> str:
        return entry.council.name


class CouncilFeed(PublicationsFeed):
    def get_object(self, request, slug: str) -> Council:
        return get_object_or_404(Council, slug=slug)

    def title(self, council: Council) -> str:
        return council.name

    def subtitle(self, council: Council) -> str:
        return _("News, minutes and proposals of the council.")

    def link(self, council: Council) -> str:
        return reverse("councils:council", args=[council.slug])

    def feed_url(self, council: Council) -> str:
        return reverse("councils:council_feed", args=[council.slug])


class AllCouncilsFeed(PublicationsFeed):
    def get_object(self, request) -> None:
        return None

    def title(self) -> str:
        return _("Public anti-corruption councils")

    def subtitle(self) -> str:
        return _("News, minutes and proposals of all councils.")

    def link(self) -> str:
        return reverse("councils:index")

    def feed_url(self) -> str:
        return reverse("councils:feed")
