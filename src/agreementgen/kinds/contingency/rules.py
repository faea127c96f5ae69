"""Rules for the contingency plan (beredskabsplan): lbf.md §17.2 rules 29 and 32."""

from __future__ import annotations

import re
from collections.abc import Iterator

from agreementgen.checks.agreement import Context, Loc
from agreementgen.checks.rules import Rule, document_missing
from agreementgen.errors import Diagnostic, Severity
from agreementgen.kinds.contingency import KIND as CONTINGENCY
from agreementgen.kinds.contingency.model import ContingencyPlan
from agreementgen.language import N_, tr
from agreementgen.source.folder import LoadedAgreement, LoadedDocument
from agreementgen.source.load import Source


def _plans(loaded: LoadedAgreement) -> Iterator[tuple[LoadedDocument, ContingencyPlan]]:
    return loaded.of_kind(CONTINGENCY, ContingencyPlan)


def plan_has_scenarios(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """There is a contingency plan; each scenario says when, what, and which function acts."""
    plans = list(_plans(loaded))
    if absent := document_missing(
        loaded, ctx, CONTINGENCY, N_("contingency plan (beredskabsplan)")
    ):
        yield absent
    for document, plan in plans:
        if not plan.scenarios:
            yield ctx.at(
                ("scenarios",),
                "",
                tr("the contingency plan has no scenarios"),
                file=document.name,
                hint=tr("add a scenario with its trigger, actions and responsible_function"),
            )
        for i, scenario in enumerate(plan.scenarios):
            missing = [
                key
                for key, given in (
                    ("trigger", scenario.trigger),
                    ("actions", scenario.actions),
                    ("responsible_function", scenario.responsible_function),
                )
                if not given
            ]
            if missing:
                listed = missing[0]
                if len(missing) > 1:
                    listed = tr("{items} and {last}").format(
                        items=", ".join(missing[:-1]), last=missing[-1]
                    )
                yield ctx.at(
                    ("scenarios", i),
                    "",
                    tr("scenario {id!r} has no {keys}").format(id=scenario.id, keys=listed),
                    file=document.name,
                    hint=tr(
                        "a scenario says when it applies (trigger), what is done (actions)"
                        " and which function does it (responsible_function)"
                    ),
                )


# Eight digits as Danish phone numbers are written ("12345678", "1234 5678", "12 34 56 78"),
# optionally after +45; not part of a longer number, a date or an amount.
_PHONE = re.compile(
    r"(?<![\d.,/-])(?:\+45[ -]?)?(?:\d{8}|\d{4} \d{4}|\d{2} \d{2} \d{2} \d{2})(?![\d.,/-]?\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Mailboxes of a function rather than a person.
_FUNCTION_MAILBOXES = {
    "administration", "beredskab", "borgerservice", "info", "kommunikation", "kontakt", "mail",
    "politi", "post", "presse", "sekretariat", "sekretariatet", "ssp", "support", "vagt",
    "vagten",
}  # fmt: skip
# A common Danish first name followed by a capitalised word reads as a person's name.
_NAMES_TEXT = """
    Aisha Ali Allan Amalie Amina Anders Anna Anne Annette Benny Bent Bente Birgitte Birthe
    Bjarne Bo Brian Camilla Caroline Carsten Cecilie Charlotte Christian Clara Connie Daniel
    David Dorthe Ellen Else Emil Emma Erik Eva Fatima Finn Flemming Frederik Freja Gitte Grethe
    Hanna Hanne Hans Hassan Heidi Helle Henrik Henriette Hussein Ibrahim Ida Inge Inger Jacob
    Jakob Jan Jane Jens Jesper Jette Johan John Jonas Josefine Julie Jørgen Karen Karina Karl
    Kasper Katrine Kenneth Kim Kirsten Klaus Knud Kristian Lars Lasse Laura Leila Lene Line
    Lisbeth Lone Lotte Louise Lucas Mads Magnus Maja Malene Maria Marianne Martin Mathias
    Mathilde Mette Mia Michael Mikkel Mohamed Mohammad Morten Mustafa Niels Nikolaj Nina Noah
    Ole Oliver Omar Per Peter Pia Poul Rasmus René Rikke Ruth Sara Sebastian Signe Simon Sofie
    Steen Susanne Søren Thomas Tina Tobias Tommy Torben Tove Trine Ulla Vibeke Victor William
    Yusuf Zainab
"""
_FIRST_NAMES = frozenset(_NAMES_TEXT.split())
_WORD = re.compile(r"[A-ZÆØÅ][a-zæøåé]+")
_NAME = re.compile(r"\b[A-ZÆØÅ][a-zæøåé]+(?:[ -][A-ZÆØÅ][a-zæøåé]+)+")


def _personal_data(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, description) of what looks like personal data in `text`."""
    for match in _PHONE.finditer(text):
        yield match.start(), tr("{text!r} looks like a personal phone number").format(text=match[0])
    for match in _EMAIL.finditer(text):
        if match[0].split("@")[0].lower() not in _FUNCTION_MAILBOXES:
            message = tr("{text!r} looks like a personal e-mail address").format(text=match[0])
            yield match.start(), message
    for run in _NAME.finditer(text):
        words = list(_WORD.finditer(run[0]))
        first = next((w for w in words[:-1] if w[0] in _FIRST_NAMES), None)
        if first is not None:
            name = run[0][first.start() :]
            message = tr("{text!r} looks like a person's name").format(text=name)
            yield run.start() + first.start(), message


def _strings(data: object, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*loc, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*loc, index))
    elif isinstance(data, str):
        yield loc, data


def _position(source: Source, loc: Loc, text: str, offset: int) -> tuple[int, int]:
    """Where character `offset` of the string at `loc` is: in a block (`text: |`) or on the
    line of a one-line scalar, plain or quoted."""
    line, col = source.text_position(loc, offset)
    if "\n" in text or (line, col) != source.position(loc):
        return line, col
    written = source.text.splitlines()[line - 1][col - 1 :]
    quoted = written[:1] in ("'", '"')
    if written[int(quoted) :].startswith(text):
        return line, col + int(quoted) + offset
    return line, col


def no_personal_data(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The uploaded plan names functions: no personal phone numbers, e-mails or names."""
    for document, _ in _plans(loaded):
        source = ctx.sources[document.name]
        for loc, text in _strings(source.data):
            for offset, message in sorted(_personal_data(text)):
                line, col = _position(source, loc, text, offset)
                yield Diagnostic(
                    source.display,
                    line,
                    col,
                    "",
                    message,
                    Severity.WARNING,
                    hint=tr(
                        "name the function instead; personal data belongs in an internal annex"
                        " that is not uploaded"
                    ),
                )


def approved_by_board(loaded: LoadedAgreement, ctx: Context) -> Iterator[Diagnostic]:
    """The board approves the contingency plan."""
    for document, plan in _plans(loaded):
        if plan.approved_by_board is None:
            yield ctx.at(
                ("review",) if plan.review else ("approved_by_board",),
                "",
                tr("the board has not approved the contingency plan"),
                file=document.name,
                hint=tr("add approved_by_board: <date> once the board has approved it"),
            )


RULES = (
    Rule("AG250", "E", "a contingency plan whose scenarios give trigger, actions and the "
         "responsible function", plan_has_scenarios, 29),
    Rule("AG251", "W", "the contingency plan holds no personal phone numbers, e-mails or names",
         no_personal_data, 32),
    Rule("AG252", "W", "the board has approved the contingency plan", approved_by_board),
)  # fmt: skip
