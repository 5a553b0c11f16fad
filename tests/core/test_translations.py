"""The message catalogues in adal/locale: complete, well-formed and compiled.

Russian is the default interface language and Kazakh the state language, so every string must be
translated into both; English is the source language, so its msgstr may stay empty. The .mo files are
committed (a machine without GNU gettext must still show translations), so they must match the .po.
"""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE_DIR = Path(__file__).resolve().parents[2] / "adal" / "locale"
TRANSLATED_LANGUAGES = ["ru", "kk"]
ALL_LANGUAGES = ["ru", "kk", "en"]
LANGUAGE_NAMES = {"ru": "Russian", "kk": "Kazakh", "en": "English"}
PLURAL_FORMS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20)"
    " ? 1 : 2);",
    "kk": "nplurals=2; plural=(n!=1);",
    "en": "nplurals=2; plural=(n != 1);",
}

# %(name)s, %(n)d, %(x).2f ... and bare %s / %d; "%%" is a literal percent sign, not a placeholder.
PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%")
# {{ number }} as a template variable and {number} / {0} / {} as str.format fields.
TEMPLATE_VAR = re.compile(r"\{\{\s*[\w.]+\s*\}\}")
FORMAT_FIELD = re.compile(r"\{[\w.]*(?:![rsa])?(?::[^{}]*)?\}")
HTML_TAG = re.compile(r"</?([a-zA-Z][\w-]*)[^>]*>")

by_language = pytest.mark.parametrize("lang", TRANSLATED_LANGUAGES, ids=LANGUAGE_NAMES.get)
by_any_language = pytest.mark.parametrize("lang", ALL_LANGUAGES, ids=LANGUAGE_NAMES.get)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def load_po(lang: str) -> polib.POFile:
    return polib.pofile(str(po_path(lang)))


def live_entries(lang: str) -> list[polib.POEntry]:
    return [e for e in load_po(lang) if not e.obsolete]


def label(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def placeholders(text: str) -> Counter:
    found = [re.sub(r"\s+", "", m) for m in TEMPLATE_VAR.findall(text)]
    rest = TEMPLATE_VAR.sub("", text)
    found += [re.sub(r"\s+", "", m) for m in FORMAT_FIELD.findall(rest)]
    found += [m for m in PRINTF.findall(rest) if m != "%%"]
    return Counter(found)


def tags(text: str) -> Counter:
    return Counter(m.lower() for m in HTML_TAG.findall(text))


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def catalogue_map(entries) -> dict:
    """msgctxt/msgid → msgstr (a tuple of forms for plurals), for the entries that carry a translation."""
    result = {}
    for e in entries:
        if e.msgid == "" or e.obsolete or "fuzzy" in e.flags:
            continue
        key = (e.msgctxt, e.msgid, e.msgid_plural or None)
        if e.msgid_plural:
            forms = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
            if any(forms):
                result[key] = forms
        elif e.msgstr:
            result[key] = e.msgstr
    return result


@by_any_language
def test_catalogue_exists_and_has_strings(lang):
    assert po_path(lang).is_file(), f"run makemessages: {po_path(lang)} is missing"
    assert len(live_entries(lang)) > 50


def test_all_languages_have_the_same_strings():
    keys = {
        lang: {(e.msgctxt, e.msgid, e.msgid_plural) for e in live_entries(lang)} for lang in ALL_LANGUAGES
    }
    assert keys["kk"] == keys["ru"], "run makemessages for every language at once"
    assert keys["en"] == keys["ru"], "run makemessages for every language at once"


@by_any_language
def test_header_names_the_language_and_its_plural_forms(lang):
    po = load_po(lang)
    assert po.metadata.get("Language") == lang
    assert re.sub(r"\s+", "", po.metadata.get("Plural-Forms", "")) == re.sub(r"\s+", "", PLURAL_FORMS[lang])
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert not po.metadata_is_fuzzy, "remove '#, fuzzy' from the header"


@by_language
def test_every_string_is_translated(lang):
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", PLURAL_FORMS[lang]).group(1))
    untranslated = []
    for e in live_entries(lang):
        if e.msgid_plural:
            if sorted(e.msgstr_plural) != list(range(nplurals)) or not all(
                s.strip() for s in e.msgstr_plural.values()
            ):
                untranslated.append(label(e))
        elif not e.msgstr.strip():
            untranslated.append(label(e))
    assert untranslated == [], f"{len(untranslated)} {LANGUAGE_NAMES[lang]} strings lack a translation"


@by_any_language
def test_no_string_is_fuzzy(lang):
    fuzzy = [label(e) for e in live_entries(lang) if "fuzzy" in e.flags]
    assert fuzzy == [], "check each guess, fix it and remove its '#, fuzzy' flag"


@by_language
def test_placeholders_are_kept(lang):
    wrong = []
    for e in live_entries(lang):
        if not e.msgid_plural:
            if e.msgstr and placeholders(e.msgstr) != placeholders(e.msgid):
                wrong.append((label(e), e.msgstr))
            continue
        singular, plural = placeholders(e.msgid), placeholders(e.msgid_plural)
        allowed, required = set(singular) | set(plural), set(singular) & set(plural)
        for i, form in sorted(e.msgstr_plural.items()):
            if not form:
                continue
            found = placeholders(form)
            # Form 0 may, like the English singular, leave out the count; every other form must not.
            ok = required <= set(found) <= allowed if i == 0 else set(found) == set(plural)
            if not ok:
                wrong.append((label(e), form))
    assert wrong == []


@by_language
def test_html_is_kept(lang):
    wrong = [
        (label(e), text)
        for e in live_entries(lang)
        for text in translations(e)
        if text and tags(text) != tags(e.msgid_plural or e.msgid)
    ]
    assert wrong == []


@by_any_language
def test_compiled_catalogue_matches_its_source(lang):
    mo_path = po_path(lang).with_suffix(".mo")
    assert mo_path.is_file(), f"run compilemessages: {mo_path} is missing"
    po, mo = load_po(lang), polib.mofile(str(mo_path))
    assert catalogue_map(mo) == catalogue_map(po), "run compilemessages and commit the .mo"
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


@by_language
def test_django_serves_the_translation(lang):
    with translation.override(lang):
        shown = translation.gettext("Report corruption")
    assert shown != "Report corruption"
    assert shown == load_po(lang).find("Report corruption").msgstr


def test_django_serves_kazakh():
    with translation.override("kk"):
        assert translation.gettext("Report corruption") == "Сыбайлас жемқорлық туралы хабарлау"
        assert translation.gettext("IIN") == "ЖСН"
