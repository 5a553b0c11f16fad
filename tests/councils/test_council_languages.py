"""A council's texts (agenda titles, decisions, meeting places and minutes, proposals, their addressees
and answers, news) are written in Russian, Kazakh and English, or in any one of them: each page shows
them in its own language, and a text that exists in another language only is shown in it, marked with
its ``lang`` for screen readers. A secretary's form asks for at least one language, and the migrations
keep the texts written before as Russian."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from adal.core.texts import NO_TEXT, Texts
from adal.councils.models import Meeting, News, Proposal, Topic
from adal.councils.services import (
    CouncilActionRefused,
    agenda_item_add,
    meeting_plan,
    meeting_record_held,
    minutes_publish,
    news_post,
    proposal_answer,
    proposal_create,
    proposal_submit,
    today,
)
from tests.councils.factories import HALL, at, plan, seat
from tests.councils.test_council_pages import sign_in

TITLE = Texts(ru="Поборы в школах", kk="Мектептердегі заңсыз алымдар", en="Illegal collections in schools")
DECISION = Texts(
    ru="Рекомендовать ввести электронную очередь.",
    kk="Электрондық кезек енгізуді ұсыну.",
    en="Recommend an electronic queue.",
)
PROPOSAL = Texts(ru="Об открытых списках", kk="Ашық тізімдер туралы", en="On open lists")
PROPOSAL_TEXT = Texts(ru="Публиковать списки.", kk="Тізімдерді жариялау.", en="Publish the lists.")
ANSWER = Texts(ru="Принято к исполнению.", kk="Орындауға қабылданды.", en="Accepted for action.")
NEWS_TITLE = Texts(ru="Совет заседал", kk="Кеңес отырыс өткізді", en="The council met")
NEWS_BODY = Texts(ru="Обсудили школы.", kk="Мектептерді талқылады.", en="Schools were discussed.")
MINUTES = Texts(ru="Протокол заседания № 3.", kk="№ 3 отырыстың хаттамасы.", en="Minutes of meeting No. 3.")
ADDRESSEE = Texts(
    ru="Акимат Актюбинской области", kk="Ақтөбе облысының әкімдігі", en="Akimat of Aktobe region"
)


@pytest.fixture
def written(councils):
    """A meeting (at ``HALL``) with public minutes, a proposal answered and a news post, all in three
    languages."""
    council, by = councils["aktobe"], councils["secretary"]
    members = seat(council, 3, by=by)
    day = today() - dt.timedelta(days=5)
    meeting = plan(council, day, by=by)
    item = agenda_item_add(meeting=meeting, topic=Topic.objects.get(code="education"), title=TITLE, by=by)
    meeting = meeting_record_held(
        meeting=meeting, present=members, decisions={item.pk: DECISION}, held_on=day, by=by
    )
    meeting = minutes_publish(meeting=meeting, minutes=MINUTES, by=by)
    proposal = proposal_create(
        council=council,
        kind="state_body",
        addressee=ADDRESSEE,
        title=PROPOSAL,
        text=PROPOSAL_TEXT,
        meetings=[meeting],
        by=by,
    )
    proposal = proposal_submit(proposal=proposal, submitted_on=day, by=by)
    proposal = proposal_answer(
        proposal=proposal, outcome="accepted", answer=ANSWER, answered_on=today(), by=by
    )
    post = news_post(council=council, title=NEWS_TITLE, body=NEWS_BODY, meeting=meeting, by=by)
    return {"meeting": meeting, "proposal": proposal, "post": post, **councils}


def page(client, name, obj, language):
    url = reverse(f"councils:{name}", args=["aktobe", obj.pk])
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_each_page_shows_the_texts_in_its_own_language(client, written, language):
    others = [lang for lang in ("ru", "kk", "en") if lang != language]
    meeting = page(client, "meeting", written["meeting"], language)
    proposal = page(client, "proposal", written["proposal"], language)
    news = page(client, "news", written["post"], language)
    council = client.get(reverse("councils:council", args=["aktobe"]), headers={"accept-language": language})
    shown = {
        meeting: [HALL, TITLE, DECISION, MINUTES, PROPOSAL],
        proposal: [ADDRESSEE, PROPOSAL, PROPOSAL_TEXT, ANSWER],
        news: [NEWS_TITLE, NEWS_BODY],
        council.content.decode(): [HALL, PROPOSAL, ADDRESSEE, NEWS_TITLE, NEWS_BODY],
    }
    for html, texts in shown.items():
        for text in texts:
            assert getattr(text, language) in html
            assert not any(getattr(text, other) in html for other in others)
        # Everything is in the page's language, so nothing in the content is marked as another.
        content = html.split("<main", 1)[1].split("</main>", 1)[0]
        assert not any(f'lang="{other}"' in content for other in others)


def test_a_text_in_kazakh_only_shows_in_kazakh_on_a_russian_page_marked_as_such(client, councils):
    by = councils["secretary"]
    post = news_post(
        council=councils["aktobe"],
        title=Texts(kk="Азаматтарды қабылдау"),
        body=Texts(kk="Он екі адам келді."),
        by=by,
    )
    html = page(client, "news", post, "ru")
    assert '<h1 lang="kk">Азаматтарды қабылдау</h1>' in html
    assert '<div data-testid="news-body" lang="kk"><p>Он екі адам келді.</p></div>' in html
    # On a Kazakh page it is in the page's language: no mark.
    html = page(client, "news", post, "kk")
    assert "<h1>Азаматтарды қабылдау</h1>" in html
    assert '<div data-testid="news-body"><p>Он екі адам келді.</p></div>' in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "Заполните хотя бы на одном языке: русском, казахском или английском."),
        ("kk", "Кем дегенде бір тілде толтырыңыз: орысша, қазақша немесе ағылшынша."),
        ("en", "Fill this in at least one language: Russian, Kazakh or English."),
    ],
)
def test_a_form_with_no_language_filled_in_is_refused_in_the_page_language(
    client, councils, language, message
):
    sign_in(client, councils["secretary"])
    response = client.post(
        reverse("councils:news_new", args=["aktobe"]),
        {"title_ru": " ", "title_kk": "", "title_en": "", "body_kk": "Мәтін."},
        headers={"accept-language": language},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not News.objects.exists()


def test_the_secretary_writes_a_post_in_kazakh_and_english_only(client, councils):
    sign_in(client, councils["secretary"])
    response = client.post(
        reverse("councils:news_new", args=["aktobe"]),
        {"title_kk": "Кеңес жаңалығы", "title_en": "Council news", "body_en": "Text in English."},
    )
    assert response.status_code == 302
    post = News.objects.get()
    assert (post.title_ru, post.title_kk, post.title_en) == ("", "Кеңес жаңалығы", "Council news")
    assert (post.body_ru, post.body_kk, post.body_en) == ("", "", "Text in English.")


def test_the_form_labels_each_language(client, councils):
    sign_in(client, councils["secretary"])
    html = client.get(reverse("councils:news_new", args=["aktobe"]), headers={"accept-language": "kk"})
    html = html.content.decode()
    assert "Атауы (орысша)" in html and "Атауы (қазақша)" in html and "Атауы (ағылшынша)" in html
    assert 'name="title_kk"' in html and 'lang="kk"' in html


# ---------------------------------------------------------------- place, addressee and minutes


def test_the_services_keep_the_place_the_addressee_and_the_minutes_in_each_language(written):
    meeting, proposal = written["meeting"], written["proposal"]
    assert Texts.of(meeting, "place") == HALL
    assert Texts.of(meeting, "minutes") == MINUTES
    assert Texts.of(proposal, "addressee") == ADDRESSEE


def test_minutes_written_when_the_meeting_is_recorded_are_published_in_each_of_their_languages(councils):
    council, by = councils["aktobe"], councils["secretary"]
    day = today() - dt.timedelta(days=2)
    meeting = meeting_record_held(
        meeting=plan(council, day, by=by),
        present=seat(council, 3, by=by),
        held_on=day,
        minutes=Texts(kk="Хаттама жазылды.", en="Minutes taken."),
        by=by,
    )
    meeting = minutes_publish(meeting=meeting, by=by)
    assert (meeting.minutes_ru, meeting.minutes_kk, meeting.minutes_en) == (
        "",
        "Хаттама жазылды.",
        "Minutes taken.",
    )


def test_a_place_in_one_language_is_enough_and_none_with_no_link_is_refused(councils):
    council, by = councils["aktobe"], councils["secretary"]
    when = at(today() + dt.timedelta(days=3))
    meeting = meeting_plan(council=council, planned_at=when, place=Texts(en="Akimat, room 4"), by=by)
    assert (meeting.place_ru, meeting.place_kk, meeting.place_en) == ("", "", "Akimat, room 4")
    with pytest.raises(CouncilActionRefused, match="Give the place of the meeting"):
        meeting_plan(council=council, planned_at=when, place=Texts(ru=" ", kk=""), by=by)


def test_a_proposal_needs_an_addressee_in_some_language(councils):
    values = dict(
        council=councils["aktobe"],
        kind="state_body",
        title=PROPOSAL,
        text=PROPOSAL_TEXT,
        by=councils["secretary"],
    )
    with pytest.raises(CouncilActionRefused, match="Give the addressee"):
        proposal_create(addressee=NO_TEXT, **values)
    proposal = proposal_create(addressee=Texts(kk="Ақтөбе облысының әкімдігі"), **values)
    assert proposal.addressee_kk == "Ақтөбе облысының әкімдігі" and proposal.addressee_ru == ""


def test_the_database_keeps_a_meeting_with_no_place_in_any_language_and_no_link_out(councils):
    now = timezone.now()
    Meeting.objects.create(council=councils["aktobe"], planned_at=now, place_kk="Зал", created_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(council=councils["aktobe"], planned_at=now, created_at=now)


def test_the_secretarys_forms_ask_for_the_addressee_and_the_minutes_in_at_least_one_language(
    client, councils
):
    council, by = councils["aktobe"], councils["secretary"]
    day = today() - dt.timedelta(days=1)
    meeting = meeting_record_held(meeting=plan(council, day, by=by), present=[], held_on=day, by=by)
    sign_in(client, by)
    kk = {"accept-language": "kk"}
    message = "Кем дегенде бір тілде толтырыңыз: орысша, қазақша немесе ағылшынша."
    response = client.post(
        reverse("councils:proposal_new", args=["aktobe"]),
        {"kind": "state_body", "addressee_ru": "  ", "title_kk": "Ұсыныс", "text_kk": "Мәтін."},
        headers=kk,
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Proposal.objects.exists()
    response = client.post(
        reverse("councils:meeting_action", args=["aktobe", meeting.pk, "minutes"]),
        {"minutes-minutes_ru": "", "minutes-visibility": "public"},
        headers=kk,
    )
    assert response.status_code == 400 and message in response.content.decode()
    response = client.post(
        reverse("councils:meeting_action", args=["aktobe", meeting.pk, "minutes"]),
        {"minutes-minutes_kk": "Хаттама.", "minutes-visibility": "public"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.state, meeting.minutes_ru, meeting.minutes_kk) == ("minutes_published", "", "Хаттама.")


def test_the_secretary_plans_a_meeting_at_a_place_named_in_kazakh_and_english(client, councils):
    sign_in(client, councils["secretary"])
    response = client.post(
        reverse("councils:meeting_new", args=["aktobe"]),
        {
            "planned_at": "2030-03-10T15:00",
            "place_kk": "Әкімдіктің кіші залы",
            "place_en": "Akimat, small hall",
        },
    )
    assert response.status_code == 302
    meeting = councils["aktobe"].meetings.get()
    assert (meeting.place_ru, meeting.place_kk, meeting.place_en) == (
        "",
        "Әкімдіктің кіші залы",
        "Akimat, small hall",
    )


def test_a_place_addressee_and_minutes_in_one_language_show_in_it_marked_on_other_pages(client, councils):
    """Written in Kazakh only: a Kazakh page shows them as its own; a Russian or an English page shows
    them too, with their ``lang``."""
    council, by = councils["aktobe"], councils["secretary"]
    day = today() - dt.timedelta(days=1)
    meeting = meeting_plan(council=council, planned_at=at(day), place=Texts(kk="Мәслихат залы"), by=by)
    meeting = meeting_record_held(
        meeting=meeting, present=seat(council, 3, by=by), held_on=day, minutes=Texts(kk="Хаттама."), by=by
    )
    meeting = minutes_publish(meeting=meeting, by=by)
    proposal = proposal_submit(
        proposal=proposal_create(
            council=council,
            kind="state_body",
            addressee=Texts(kk="Облыс әкімдігі"),
            title=PROPOSAL,
            text=PROPOSAL_TEXT,
            by=by,
        ),
        by=by,
    )
    kk_meeting, kk_proposal = page(client, "meeting", meeting, "kk"), page(client, "proposal", proposal, "kk")
    assert "<dd>Мәслихат залы</dd>" in kk_meeting
    assert '<div class="report-text"><p>Хаттама.</p></div>' in kk_meeting
    assert "<dd>Облыс әкімдігі</dd>" in kk_proposal
    for language in ("ru", "en"):
        html = page(client, "meeting", meeting, language)
        assert '<dd lang="kk">Мәслихат залы</dd>' in html
        assert '<div class="report-text" lang="kk"><p>Хаттама.</p></div>' in html
        assert '<dd lang="kk">Облыс әкімдігі</dd>' in page(client, "proposal", proposal, language)
        council_page = client.get(
            reverse("councils:council", args=["aktobe"]), headers={"accept-language": language}
        )
        html = council_page.content.decode()
        assert (
            '<span lang="kk">Мәслихат залы</span>' in html and '<span lang="kk">Облыс әкімдігі</span>' in html
        )


# ---------------------------------------------------------------- the migration

BEFORE = [("councils", "0004_retaliation_category"), ("primaries", "0001_initial")]
AFTER = [("councils", "0005_texts_in_three_languages"), ("primaries", "0002_texts_in_three_languages")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migrations_keep_the_texts_written_before_as_russian_and_a_place_still_required():
    """Both steps in one walk back and forth (each walk re-creates the tables of every app after them)."""
    old = migrate(BEFORE)
    now = timezone.now()
    unit = old.get_model("core", "Unit").objects.create(name_ru="Ц", name_kk="О", name_en="C", level="centre")
    council = old.get_model("councils", "Council").objects.create(
        unit=unit,
        level="centre",
        name_ru="Совет",
        name_kk="Кеңес",
        name_en="Council",
        slug="c",
        created_at=now,
    )
    meeting = old.get_model("councils", "Meeting").objects.create(
        council=council, planned_at=now, place="Зал", minutes="Протокол", created_at=now
    )
    topic = old.get_model("councils", "Topic").objects.get_or_create(
        code="other", defaults={"name_ru": "Другое", "name_kk": "Басқа", "name_en": "Other"}
    )[0]
    old.get_model("councils", "AgendaItem").objects.create(
        meeting=meeting, order=1, topic=topic, title="Пункт", decision="Решение"
    )
    old.get_model("councils", "Proposal").objects.create(
        council=council, kind="legislative", addressee="Мажилис", title="Предложение", text="Текст",
        answer="Ответ", created_at=now,
    )  # fmt: skip
    old.get_model("councils", "News").objects.create(
        council=council, title="Новость", body="Тело", published_at=now
    )
    old.get_model("primaries", "Primary").objects.create(
        council=council, title="Праймериз", description="Описание", seats=1, nominations_close=now,
        voting_starts=now, voting_ends=now + dt.timedelta(days=1), created_at=now,
    )  # fmt: skip
    try:
        texts = migrate(AFTER)
        item = texts.get_model("councils", "AgendaItem").objects.get()
        proposal = texts.get_model("councils", "Proposal").objects.get()
        post = texts.get_model("councils", "News").objects.get()
        primary = texts.get_model("primaries", "Primary").objects.get()
        assert (item.title_ru, item.decision_ru, item.title_kk, item.decision_en) == (
            "Пункт",
            "Решение",
            "",
            "",
        )
        assert (proposal.title_ru, proposal.text_ru, proposal.answer_ru) == ("Предложение", "Текст", "Ответ")
        assert (post.title_ru, post.body_ru, post.title_kk, post.body_en) == ("Новость", "Тело", "", "")
        assert (primary.title_ru, primary.description_ru, primary.title_en) == ("Праймериз", "Описание", "")

        new = migrate([("councils", "0006_place_addressee_minutes_in_three_languages")])
        meeting = new.get_model("councils", "Meeting").objects.get()
        proposal = new.get_model("councils", "Proposal").objects.get()
        assert (meeting.place_ru, meeting.place_kk, meeting.place_en) == ("Зал", "", "")
        assert (meeting.minutes_ru, meeting.minutes_kk, meeting.minutes_en) == ("Протокол", "", "")
        assert (proposal.addressee_ru, proposal.addressee_kk, proposal.addressee_en) == ("Мажилис", "", "")
        assert proposal.title_ru == "Предложение"
        with pytest.raises(IntegrityError), transaction.atomic():
            new.get_model("councils", "Meeting").objects.create(
                council_id=council.pk, planned_at=now, created_at=now
            )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
