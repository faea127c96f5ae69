"""The language of messages: English as written in the code, Danish from a gettext catalog.

Every diagnostic, hint and summary a user reads is written in English in the code and marked
for translation: `tr("unknown party {ident!r}").format(ident=...)` where it is said, `N_("...")`
where a text is stored before it is said (a table of names at import time) and handed to
`tr` later. Babel extracts the marked texts into `locale/agreementgen.pot`; the Danish texts
are in `locale/da/LC_MESSAGES/agreementgen.po`, compiled to the `.mo` file read here
(`make messages` does all three). The keywords of a diagnostic line (`error`, `warning`,
`hint`, `note`) stay English in every language: editors and CI read them.

The language is one setting for the whole process, chosen once by the command line
(`--lang`, else the locale): a module variable, not a context variable, so that threads (the
preview server) and forked workers (the build's pool) speak it too.
"""

from __future__ import annotations

import contextlib
import gettext
import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

LANGUAGES = ("da", "en")
DOMAIN = "agreementgen"
LOCALE_DIR = Path(__file__).parent / "locale"

_current = "en"


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for: 'da' when LC_ALL, LC_MESSAGES or LANG (the first
    one set, as gettext reads them) names Danish, otherwise 'en'."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := environ.get(name):
            return "da" if value.lower().startswith("da") else "en"
    return "en"


def use_language(language: str) -> None:
    """Speak `language` ('da' or 'en') from now on."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    _current = language


def current_language() -> str:
    """The language messages are given in now."""
    return _current


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak `language` inside the block, and what was spoken before after it."""
    before = _current
    use_language(language)
    try:
        yield
    finally:
        use_language(before)


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


def tr(message: str) -> str:
    """`message` (English, as marked in the code) in the current language."""
    return _catalog(_current).gettext(message)


def ntr(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, in the current language."""
    return _catalog(_current).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark `message` for translation without translating it now: it is stored, and `tr`
    translates it where it is said."""
    return message
