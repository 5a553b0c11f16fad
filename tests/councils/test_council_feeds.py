"""Each council's Atom feed, and the feed of all councils: well-formed Atom (RFC 4287) whose entries are
exactly the council's publications — news, minutes published for everyone, submitted proposals."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

from django.urls import reverse

from adal.core.texts import Texts
from adal.councils.services import minutes_publish, news_post, today
from tests.councils import test_council_pages as pages
from tests.councils.factories import seat

world = pages.world  # the published world, as a fixture here too

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, name, *args) -> ET.Element:
    response = client.get(reverse(f"councils:{name}", args=args), headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)  # noqa: S314  (our own response)


def check_atom(root: ET.Element) -> list[ET.Element]:
    """What RFC 4287 requires of a feed and of its entries; returns the entries."""
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{required}")) == 1, required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{required}")) == 1, required
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))  # an RFC 3339 date
    # Without a feed-level author every entry must name one.
    if root.find(f"{ATOM}author") is None:
        assert all(e.find(f"{ATOM}author/{ATOM}name") is not None for e in entries)
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)  # ids are unique
    return entries


def links(entries) -> list[str]:
    return [e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in entries]


def url(name, *args) -> str:
    return "http://testserver" + reverse(f"councils:{name}", args=args)


def test_a_councils_feed_has_its_publications_and_nothing_else(client, world):
    root = feed(client, "council_feed", "aktobe")
    entries = check_atom(root)
    assert root.findtext(f"{ATOM}title") == world["council"].name
    assert set(links(entries)) == {
        url("news", "aktobe", world["post"].pk),
        url("meeting", "aktobe", world["public"].pk),
        url("proposal", "aktobe", world["submitted"].pk),
    }
    text = ET.tostring(root, encoding="unicode")
    for hidden in ("Черновик предложения", "Протокол для членов совета", "Черновик протокола"):
        assert hidden not in text


def test_entries_come_newest_first(client, world):
    entries = check_atom(feed(client, "council_feed", "aktobe"))
    published = [dt.datetime.fromisoformat(e.findtext(f"{ATOM}published")) for e in entries]
    assert published == sorted(published, reverse=True)


def test_the_feed_of_all_councils_gathers_every_council(client, world):
    almaty, by = world["almaty"], world["almaty_secretary"]
    news_post(council=almaty, title=Texts(ru="Новости Алматы"), body=Texts(ru="Текст."), by=by)
    members = seat(almaty, 3, by=by)
    meeting = pages.held(almaty, members, today() - dt.timedelta(days=2), by=by)
    minutes_publish(meeting=meeting, minutes=Texts(ru="Протокол Алматы"), by=by)
    entries = check_atom(feed(client, "feed"))
    assert len(entries) == 5
    assert url("meeting", "almaty", meeting.pk) in links(entries)
    assert url("news", "aktobe", world["post"].pk) in links(entries)
    # Aktobe's own feed stays its own.
    assert len(check_atom(feed(client, "council_feed", "aktobe"))) == 3


def test_an_empty_council_has_a_valid_empty_feed(client, councils):
    assert check_atom(feed(client, "council_feed", "alga")) == []


def test_an_unknown_councils_feed_is_not_found(client, db):
    assert client.get(reverse("councils:council_feed", args=["nowhere"])).status_code == 404


def test_the_council_page_announces_its_feed(client, world):
    html = client.get(reverse("councils:council", args=["aktobe"])).content.decode()
    path = reverse("councils:council_feed", args=["aktobe"])
    assert re.search(rf'<link rel="alternate" type="application/atom\+xml"[^>]+href="{path}">', html)
