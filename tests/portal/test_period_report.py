"""The period report over the demo's councils and discipline of 2019: the page, the tagged PDF with its
fonts and Kazakh letters, freezing it for the record, and a frozen report read again after the live
figures have changed."""

import datetime as dt
import io
import re
import subprocess

import pikepdf
import pytest
from django.urls import reverse
from fontTools.ttLib import TTFont

from adal.core.audit import AuditEvent
from adal.core.models import Role, Territory, Unit
from adal.core.permissions import NotAllowed
from adal.councils.models import Meeting
from adal.portal.models import FrozenReport
from adal.portal.pdf import font_files
from adal.portal.periods import previous_period
from adal.portal.reports import frozen_reports_for_feed, period_report_data
from adal.portal.services import report_freeze
from tests.conftest import demo_councils, demo_discipline, demo_units, make_staff

H2_2019 = {"from": "2019-07-01", "to": "2019-12-31"}
FIRST, LAST = dt.date(2019, 7, 1), dt.date(2019, 12, 31)
KAZAKH_LETTERS = "әғқңөұүһі"
PAGE = "/reports/period/"


@pytest.fixture
def demo(db):
    """The demo's councils and discipline of 2019."""
    councils = demo_councils(demo_units())
    demo_discipline()
    return councils


def staff(role: str):
    return make_staff(f"report-{role}", role, Unit.objects.filter(level=Unit.Level.CENTRE).first())[0]


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_data_holds_the_seeds_figures_beside_the_previous_half_year(demo, db):
    data = period_report_data(FIRST, LAST)
    councils, discipline = data["councils"]["current"], data["discipline"]["current"]
    assert councils["meetings_held"] > 700 and councils["meetings_held"] == demo.meetings_held
    assert (discipline["held_responsible"], discipline["expelled"]) == (196, 96)
    assert data["previous"] == {"first": "2019-01-01", "last": "2019-06-30"}
    assert data["councils"]["previous"]["meetings_held"] < councils["meetings_held"]
    region = discipline["by_region"][0]["name"]
    assert set(region) == {"ru", "kk", "en"} and region["kk"] != region["en"]


def test_the_previous_period_is_as_long_as_the_period():
    assert previous_period(FIRST, LAST) == (dt.date(2019, 1, 1), dt.date(2019, 6, 30))
    assert previous_period(dt.date(2020, 3, 5), dt.date(2020, 3, 14)) == (
        dt.date(2020, 2, 24),
        dt.date(2020, 3, 4),
    )


def test_the_page_shows_the_period_and_its_comparison(client, demo):
    html = client.get(PAGE, H2_2019, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'data-testid="report-meetings">7\d\d<', html)
    assert 'data-testid="report-held-responsible">196<' in html
    assert 'data-testid="report-expelled">96<' in html
    assert "Previous period" in html and 'href="#methodology"' in html
    assert "format=pdf" in html and 'data-testid="freeze-form"' not in html  # nobody signed in


def test_a_bad_period_is_refused_in_the_readers_language(client, db):
    response = client.get(PAGE, {"from": "2019-12-31", "to": "2019-07-01"}, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 400
    assert "Кезеңнің басы оның соңынан бұрын болуы керек." in response.content.decode()
    too_early = client.get(PAGE, {"from": "1900-01-01", "to": "1900-02-01"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert too_early.status_code == 400 and "не ранее 1 января 1992 года" in too_early.content.decode()
    assert client.get(PAGE, {"from": "banana", "to": "2019-01-01", "format": "pdf"}).status_code == 400


def test_the_pdf_is_tagged_in_kazakh_with_its_fonts_embedded(client, demo, tmp_path):
    response = client.get(PAGE, {**H2_2019, "format": "pdf"}, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert str(demo.meetings_held) in text and "196" in text and "96" in text
    # Every letter of Kazakh's own the report's wording uses is in the text (һ is rare and none of its
    # words needs it), and the font the PDF embeds carries all nine.
    assert set(KAZAKH_LETTERS) - {"һ"} <= set(text)
    for path in font_files().values():
        assert {ord(c) for c in KAZAKH_LETTERS + KAZAKH_LETTERS.upper()} <= set(TTFont(path).getBestCmap())
    assert "Мазмұны" in text and "Кеңес отырыстары" in text  # contents and the methodology annex
    saved = tmp_path / "report.pdf"
    saved.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(saved)], capture_output=True, check=True)
    rows = fonts.stdout.decode().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # the "emb" column
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "kk"
        assert "pdfuaid" in bytes(pdf.Root.Metadata.read_bytes()).decode()


def test_freezing_takes_the_capability(client, demo):
    officer = staff(Role.CASE_OFFICER)
    with pytest.raises(NotAllowed):
        report_freeze(first=FIRST, last=LAST, title="H2 2019", issued_for="Political Council", by=officer)
    client.force_login(officer)
    assert (
        client.post(reverse("portal:freeze_report"), {**H2_2019, "title": "t", "issued_for": "x"}).status_code
        == 403
    )
    assert not FrozenReport.objects.exists()


def test_a_frozen_report_reads_the_same_after_the_figures_change(client, demo):
    analyst = staff(Role.ANALYST)
    client.force_login(analyst)
    assert 'data-testid="freeze-form"' in client.get(PAGE, H2_2019).content.decode()
    response = client.post(
        reverse("portal:freeze_report"),
        {**H2_2019, "title": "Отчёт за II полугодие 2019", "issued_for": "Политсовет"},
    )
    report = FrozenReport.objects.get()
    assert response.url == reverse("portal:frozen_report", args=[report.pk]) and report.intact
    assert AuditEvent.objects.filter(action="report.frozen", target_id=str(report.pk)).exists()
    client.logout()
    url = reverse("portal:frozen_report", args=[report.pk])
    before = {
        lang: client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode() for lang in ("ru", "kk", "en")
    }
    pdf_before = pdf_text(client.get(url, {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="kk").content)

    # The live figures change: fifty meetings turn out not to have been held and a region is renamed.
    struck = (
        Meeting.objects.filter(held_on__range=(FIRST, LAST)).order_by("pk").values_list("pk", flat=True)[:50]
    )
    Meeting.objects.filter(pk__in=list(struck)).update(state="planned")
    Territory.objects.filter(kato="150000000").update(
        name_kk="Жаңа атау", name_ru="Новое имя", name_en="New name"
    )
    live = client.get(PAGE, H2_2019, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'data-testid="report-meetings">{demo.meetings_held}<' not in live

    for lang, html in before.items():
        again = client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        assert _text(again) == _text(html), lang
        assert f'data-testid="report-meetings">{demo.meetings_held}<' in again
    assert pdf_text(client.get(url, {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="kk").content) == pdf_before
    assert "Жаңа атау" not in pdf_before

    listed = client.get(reverse("portal:reports")).content.decode()
    assert "Отчёт за II полугодие 2019" in listed
    assert frozen_reports_for_feed() == [
        {"title": report.title, "issued_at": report.issued_at, "issued_for": "Политсовет", "url": url}
    ]
    feed = client.get(reverse("portal:feed_reports")).content.decode()
    assert "Отчёт за II полугодие 2019" in feed and url in feed


def _text(html: str) -> str:
    """The page without what changes from one request to the next (tokens, nonces)."""
    return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)


def test_the_councils_regions_are_named_as_in_the_period(demo, db):
    by_region = period_report_data(FIRST, LAST)["councils"]["current"]["by_region"]
    capital = next(r["name"] for r in by_region if r["kato"] == "710000000")
    assert capital == {"ru": "город Нур-Султан", "kk": "Нұр-Сұлтан қаласы", "en": "Nur-Sultan"}
