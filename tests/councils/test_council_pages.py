"""The councils' public pages show what is published and nothing else: planned meetings yes, minutes
only once published and only to whom the secretary chose, proposals once submitted; and each page
carries Open Graph tags and plain share links."""

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from adal.core.permissions import SYSTEM
from adal.core.texts import Texts
from adal.councils.models import Topic
from adal.councils.services import (
    agenda_item_add,
    meeting_plan,
    meeting_record_held,
    minutes_publish,
    news_post,
    proposal_create,
    proposal_submit,
    today,
)
from tests.conftest import PASSWORD, totp_now
from tests.councils.factories import at, plan, seat

DAY = dt.timedelta(days=1)


def held(council, members, day, *, by, minutes="", decision=""):
    meeting = plan(council, day, by=by)
    item = agenda_item_add(
        meeting=meeting,
        topic=Topic.objects.get(code="drinking_water"),
        title=Texts(ru=f"Водопровод {day}"),
        by=by,
    )
    return meeting_record_held(
        meeting=meeting,
        present=members,
        decisions={item.pk: Texts(ru=decision)} if decision else None,
        held_on=day,
        minutes=Texts(ru=minutes),
        by=by,
    )


@pytest.fixture
def world(councils):
    """Aktobe's council with: a planned meeting, a held meeting whose minutes are not published, one
    with public minutes, one with members-only minutes, a draft and a submitted proposal, a news post."""
    council, by = councils["aktobe"], councils["secretary"]
    members = seat(council, 3, by=by)
    upcoming = meeting_plan(
        council=council, planned_at=at(today() + 7 * DAY), place=Texts(ru="Актобе, зал 2"), by=by
    )
    agenda_item_add(
        meeting=upcoming,
        topic=Topic.objects.get(code="education"),
        title=Texts(ru="Поборы в школах Актобе"),
        by=by,
    )
    unpublished = held(
        council,
        members,
        today() - 9 * DAY,
        by=by,
        minutes="Черновик протокола",
        decision="Тайное решение",
    )
    public = held(council, members, today() - 5 * DAY, by=by, decision="Обратиться в акимат")
    public = minutes_publish(meeting=public, minutes=Texts(ru="Открытый протокол заседания"), by=by)
    closed = held(council, members, today() - 3 * DAY, by=by, decision="Решение для членов")
    closed = minutes_publish(
        meeting=closed, minutes=Texts(ru="Протокол для членов совета"), visibility="members", by=by
    )
    draft = proposal_create(
        council=council,
        kind="state_body",
        addressee=Texts(ru="Акимат Актюбинской области"),
        title=Texts(ru="Черновик предложения"),
        text=Texts(ru="Текст черновика."),
        by=by,
    )
    submitted = proposal_create(
        council=council,
        kind="legislative",
        addressee=Texts(ru="Фракция в Мажилисе"),
        title=Texts(ru="Открытые закупки школ"),
        text=Texts(ru="Публиковать все закупки школ."),
        meetings=[public],
        by=by,
    )
    submitted = proposal_submit(proposal=submitted, by=by)
    post = news_post(
        council=council,
        title=Texts(ru="Совет обсудил водоснабжение"),
        body=Texts(ru="Решения заседания."),
        meeting=public,
        by=by,
    )
    return {
        **councils,
        "council": council,
        "members": members,
        "upcoming": upcoming,
        "unpublished": unpublished,
        "public": public,
        "closed": closed,
        "draft": draft,
        "submitted": submitted,
        "post": post,
    }


def sign_in(client, user, secret=None):
    from adal.core.services import staff_totp_reset

    secret = secret or staff_totp_reset(user=user, by=SYSTEM)
    response = client.post(
        reverse("core:login"), {"username": user.username, "password": PASSWORD, "code": totp_now(secret)}
    )
    assert response.status_code == 302


def page(client, name, *args) -> str:
    response = client.get(reverse(f"councils:{name}", args=args), headers={"accept-language": "en"})
    assert response.status_code == 200
    return response.content.decode()


def meta(html: str, prop: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


def test_the_index_shows_the_councils_as_a_tree(client, councils):
    html = page(client, "index")
    tree = html[html.index('data-testid="council-tree"') :]
    order = [tree.index(councils[k].name) for k in ("centre", "aktobe", "alga", "almaty")]
    assert order == sorted(order)
    # Alga's district council sits in a list nested inside Aktobe's item.
    aktobe_item = tree[tree.index(councils["aktobe"].name) : tree.index(councils["almaty"].name)]
    assert "<ul>" in aktobe_item and councils["alga"].name in aktobe_item


def test_the_council_page_shows_only_what_is_published(client, world):
    html = page(client, "council", "aktobe")
    section = lambda testid: html[html.index(f'data-testid="{testid}"') :].split("</ul>")[0]  # noqa: E731
    assert reverse("councils:meeting", args=["aktobe", world["upcoming"].pk]) in section("upcoming")
    assert all(
        reverse("councils:meeting", args=["aktobe", world[k].pk]) in section("past")
        for k in ("unpublished", "public", "closed")
    )
    minutes = section("minutes")
    assert reverse("councils:meeting", args=["aktobe", world["public"].pk]) in minutes
    assert reverse("councils:meeting", args=["aktobe", world["closed"].pk]) not in minutes
    assert reverse("councils:meeting", args=["aktobe", world["unpublished"].pk]) not in minutes
    assert "Открытые закупки школ" in section("proposals")
    assert "Черновик предложения" not in html
    assert "Совет обсудил водоснабжение" in html
    assert all(m.person.full_name in section("members") for m in world["members"])


def test_a_planned_meeting_shows_its_agenda(client, world):
    html = page(client, "meeting", "aktobe", world["upcoming"].pk)
    assert "Поборы в школах Актобе" in html and "Актобе, зал 2" in html
    assert 'data-state="planned"' in html


def test_minutes_not_yet_published_stay_hidden(client, world):
    html = page(client, "meeting", "aktobe", world["unpublished"].pk)
    assert 'data-testid="minutes-pending"' in html
    assert "Черновик протокола" not in html and "Тайное решение" not in html


def test_public_minutes_show_with_their_decisions(client, world):
    html = page(client, "meeting", "aktobe", world["public"].pk)
    assert "Открытый протокол заседания" in html and "Обратиться в акимат" in html
    assert "Открытые закупки школ" in html  # the proposal that came from this meeting


def test_members_only_minutes_are_hidden_from_the_public_but_not_from_the_secretary(client, world):
    html = page(client, "meeting", "aktobe", world["closed"].pk)
    assert 'data-testid="minutes-closed"' in html
    assert "Протокол для членов совета" not in html and "Решение для членов" not in html
    sign_in(client, world["secretary"])
    html = page(client, "meeting", "aktobe", world["closed"].pk)
    assert "Протокол для членов совета" in html and "Решение для членов" in html


def test_a_draft_proposal_is_not_public(client, world):
    url = reverse("councils:proposal", args=["aktobe", world["draft"].pk])
    assert client.get(url).status_code == 404
    html = page(client, "proposal", "aktobe", world["submitted"].pk)
    assert "Публиковать все закупки школ." in html and "Фракция в Мажилисе" in html
    sign_in(client, world["secretary"])
    assert client.get(url).status_code == 200


def test_pages_of_another_council_or_unknown_ones_are_not_found(client, world):
    assert client.get(reverse("councils:council", args=["nowhere"])).status_code == 404
    assert client.get(reverse("councils:meeting", args=["almaty", world["public"].pk])).status_code == 404
    assert client.get(reverse("councils:news", args=["almaty", world["post"].pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "args", "title"),
    [
        ("council", lambda w: ["aktobe"], lambda w: w["council"].name),
        ("proposal", lambda w: ["aktobe", w["submitted"].pk], lambda w: "Открытые закупки школ"),
        ("news", lambda w: ["aktobe", w["post"].pk], lambda w: "Совет обсудил водоснабжение"),
    ],
)
def test_pages_carry_open_graph_tags_and_share_links(client, world, name, args, title):
    html = page(client, name, *args(world))
    url = "http://testserver" + reverse(f"councils:{name}", args=args(world))
    assert meta(html, "og:title") == title(world)
    assert meta(html, "og:url") == url
    assert meta(html, "og:description")
    assert meta(html, "og:type") in ("website", "article")
    assert meta(html, "og:locale") == "en_US"
    shares = {
        urlsplit(unescape(href)).netloc: parse_qs(urlsplit(unescape(href)).query)
        for href in re.findall(r'<a href="(https://[^"]+)" rel="noopener" target="_blank" data-network', html)
    }
    assert shares["t.me"]["url"] == [url]
    assert shares["www.facebook.com"]["u"] == [url]
    assert shares["twitter.com"]["text"] == [title(world)]
    assert not re.search(r"<script[^>]+src=\"https?://", html)  # no third-party script


def test_the_meeting_page_describes_itself_without_unpublished_minutes(client, world):
    html = page(client, "meeting", "aktobe", world["unpublished"].pk)
    assert "Черновик протокола" not in (meta(html, "og:description") or "")
    assert meta(html, "og:type") == "article"
