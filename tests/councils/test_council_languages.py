"""A council's texts (agenda titles, decisions, proposals, answers, news) are written in Russian, Kazakh
and English, or in any one of them: each page shows them in its own language, and a text that exists in
another language only is shown in it, marked with its ``lang`` for screen readers. A secretary's form
asks for at least one language, and the migration keeps the texts written before as Russian."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from adal.core.texts import Texts
from adal.councils.models import News, Topic
from adal.councils.services import (
    agenda_item_add,
    meeting_record_held,
    minutes_publish,
    news_post,
    proposal_answer,
    proposal_create,
    proposal_submit,
    today,
)
from tests.councils.factories import plan, seat
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


@pytest.fixture
def written(councils):
    """A meeting with public minutes, a proposal answered and a news post, all in three languages."""
    council, by = councils["aktobe"], councils["secretary"]
    members = seat(council, 3, by=by)
    day = today() - dt.timedelta(days=5)
    meeting = plan(council, day, by=by)
    item = agenda_item_add(meeting=meeting, topic=Topic.objects.get(code="education"), title=TITLE, by=by)
    meeting = meeting_record_held(
        meeting=meeting, present=members, decisions={item.pk: DECISION}, held_on=day, by=by
    )
    meeting = minutes_publish(meeting=meeting, minutes="Протокол.", by=by)
    proposal = proposal_create(
        council=council,
        kind="state_body",
        addressee="Акимат",
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
        meeting: [TITLE, DECISION, PROPOSAL],
        proposal: [PROPOSAL, PROPOSAL_TEXT, ANSWER],
        news: [NEWS_TITLE, NEWS_BODY],
        council.content.decode(): [PROPOSAL, NEWS_TITLE, NEWS_BODY],
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


# ---------------------------------------------------------------- the migration

BEFORE = [("councils", "0004_retaliation_category"), ("primaries", "0001_initial")]
AFTER = [("councils", "0005_texts_in_three_languages"), ("primaries", "0002_texts_in_three_languages")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_texts_written_before_as_russian():
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
        council=council, planned_at=now, place="Зал", created_at=now
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
        new = migrate(AFTER)
        item = new.get_model("councils", "AgendaItem").objects.get()
        proposal = new.get_model("councils", "Proposal").objects.get()
        post = new.get_model("councils", "News").objects.get()
        primary = new.get_model("primaries", "Primary").objects.get()
        assert (item.title_ru, item.decision_ru, item.title_kk, item.decision_en) == (
            "Пункт",
            "Решение",
            "",
            "",
        )
        assert (proposal.title_ru, proposal.text_ru, proposal.answer_ru) == ("Предложение", "Текст", "Ответ")
        assert (post.title_ru, post.body_ru, post.title_kk, post.body_en) == ("Новость", "Тело", "", "")
        assert (primary.title_ru, primary.description_ru, primary.title_en) == ("Праймериз", "Описание", "")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
