"""The base of every form, with WTForms' own messages ("This field is required.") in the user's language,
and the field for a number typed the way of that language.

WTForms ships no Danish catalogue, so its messages are translated in translations/<lang>/LC_MESSAGES/
wtforms.po, read once per language when first needed. Flask-WTF would look for WTForms' own catalogues
instead; `Form.Meta` points it at these.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import FloatField
from wtforms.widgets import TextInput

from .formatting import ParsedNumber, format_number, language, parse_number
from .web.i18n import library_catalogue


@lru_cache(maxsize=4)
def wtforms_catalogue(lang: str) -> NullTranslations:
    """WTForms' messages in `lang` (English as written when there is no catalogue)."""
    catalogue = library_catalogue("wtforms", lang)
    if catalogue is None:
        return NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain="wtforms")


class WTFormsMessages:
    """The `gettext`/`ngettext` pair WTForms asks for its messages, in the current language."""

    def gettext(self, string: str) -> str:
        return wtforms_catalogue(language(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_catalogue(language(get_locale())).ungettext(singular, plural, n)


MESSAGES = WTFormsMessages()


class Form(FlaskForm):
    """FlaskForm whose WTForms messages follow the user's language."""

    class Meta:
        def get_translations(self, form: FlaskForm) -> WTFormsMessages:
            return MESSAGES


class DecimalNumberField(FloatField):
    """A number typed the way of the user's language: Danish "3.500" = 3500, "3.500,5", "3,5" (see
    `formatting.parse_number`); a value that cannot be read keeps the text and shows how to type it.

    Rendered as a text input with a decimal keypad: a browser's number input would refuse "3,5".
    """

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        render_kw = {"inputmode": "decimal", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_number(self.data, None, str(get_locale()), at_most=6)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        locale = str(get_locale())
        parsed = parse_number(valuelist[0], locale)
        self.data = parsed.value
        if problem := number_problem(parsed, locale):
            raise ValueError(problem)


def number_problem(parsed: ParsedNumber, locale: str) -> str | None:
    """Why a typed number was refused, with the right ways to type it when there is a guess, or None."""
    if not parsed.malformed:
        return None
    if len(parsed.ways) >= 2:
        return _("Write the number as %(first)s or %(second)s.", first=parsed.ways[0], second=parsed.ways[1])
    return _(
        "Enter a number such as %(whole)s or %(decimal)s.",
        whole=format_number(3500, 0, locale),
        decimal=format_number(3.5, 1, locale),
    )
