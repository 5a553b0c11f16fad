"""A text a person writes (an agenda item's title, a decision, a news post) in up to three languages.

Services take such a text as one ``Texts`` value and write it to the model's ``<field>_ru``,
``<field>_kk`` and ``<field>_en`` columns; pages read it back through ``InLanguage``."""

from dataclasses import dataclass, fields

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from adal.core.models import LANGUAGES


@dataclass(frozen=True)
class Texts:
    """The Russian, Kazakh and English versions of one text, stripped; any of them may be blank."""

    ru: str = ""
    kk: str = ""
    en: str = ""

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, (getattr(self, f.name) or "").strip())

    def __bool__(self) -> bool:
        """Given in at least one language."""
        return any(getattr(self, lang) for lang in LANGUAGES)

    def columns(self, field: str) -> dict[str, str]:
        """``{"title_ru": …, "title_kk": …, "title_en": …}`` for a model's create or update."""
        return {f"{field}_{lang}": getattr(self, lang) for lang in LANGUAGES}

    @classmethod
    def read(cls, data, field: str) -> "Texts":
        """From a form's cleaned data (or any mapping) with ``<field>_ru``, ``<field>_kk``, ``<field>_en``."""
        return cls(**{lang: data.get(f"{field}_{lang}") or "" for lang in LANGUAGES})

    @classmethod
    def of(cls, obj, field: str) -> "Texts":
        """The text a model instance holds in its ``<field>_ru``, ``<field>_kk`` and ``<field>_en``."""
        return cls(**{lang: getattr(obj, f"{field}_{lang}") for lang in LANGUAGES})

    def __str__(self) -> str:
        """The first version given, for a timeline note or a log line that has room for one."""
        return next((getattr(self, lang) for lang in LANGUAGES if getattr(self, lang)), "")


# A text given in no language: the default of an optional one.
NO_TEXT = Texts()

_IN_LANGUAGE = {
    "ru": _("%(label)s (Russian)"),
    "kk": _("%(label)s (Kazakh)"),
    "en": _("%(label)s (English)"),
}


def _labelled(label, lang: str) -> str:
    return str(_IN_LANGUAGE[lang]) % {"label": label}


_labelled_lazy = lazy(_labelled, str)


def in_three_languages(label, *, max_length: int | None = None, rows: int | None = None, help_text=""):
    """The Russian, Kazakh and English fields of one text, all optional (``TextsForm`` requires one):
    ``title_ru, title_kk, title_en = in_three_languages(_("Title"), max_length=500)``. Each input says
    its language, so that spell-checkers and screen readers take it right."""

    def field(lang: str) -> forms.CharField:
        attrs = {"lang": lang} | ({"rows": rows} if rows else {})
        return forms.CharField(
            label=_labelled_lazy(label, lang),
            max_length=max_length,
            required=False,
            widget=forms.Textarea(attrs=attrs) if rows else forms.TextInput(attrs=attrs),
            help_text=help_text if lang == "ru" else "",
        )

    return tuple(field(lang) for lang in LANGUAGES)


class TextsForm(forms.Form):
    """A form with texts in three languages (``in_three_languages``): ``texts`` names them and
    ``optional_texts`` those that may be left out in every language. ``cleaned_data[name]`` is a
    ``Texts``."""

    texts: tuple[str, ...] = ()
    optional_texts: tuple[str, ...] = ()

    def clean(self):
        data = super().clean()
        for name in self.texts_named():
            data[name] = Texts.read(data, name)
            for lang in LANGUAGES:
                data.pop(f"{name}_{lang}", None)
            failed = any(f"{name}_{lang}" in self.errors for lang in LANGUAGES)
            if not data[name] and name not in self.optional_texts and not failed:
                self.add_error(
                    f"{name}_ru", _("Fill this in at least one language: Russian, Kazakh or English.")
                )
        return data

    def texts_named(self) -> tuple[str, ...]:
        return self.texts
