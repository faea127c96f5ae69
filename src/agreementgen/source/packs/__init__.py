"""Template packs: the fixed LBF wording, headings, goals and indicators, versioned."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML

from agreementgen.source.fast_yaml import read_tree
from agreementgen.source.load import MAX_DEPTH, yaml_parser
from agreementgen.source.model import FocusAreaKey, TemplatePack


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Frozen):
    """A fixed indicator of section 5."""

    number: int
    text: str
    source: str


class PackFocusArea(_Frozen):
    """A fixed focus area with its goal and indicators."""

    key: FocusAreaKey
    name: str
    goal: str
    indicators: list[Indicator]


class Labels(_Frozen):
    """Fixed labels of the front matter."""

    area_name: str
    parties: str
    # The period with {start} and {end}: a sentence, or the dates under `period_label` where
    # the pack's template has one ("Samarbejdsaftalen gælder fra - til:").
    period: str
    period_label: str | None = None
    signatures: str
    date: str
    name: str
    problem_complex: str
    page: str
    not_available_figure: str


class Documents(_Frozen):
    """The fixed 'Aftaledokumenter' passage."""

    heading: str
    text: str


class Pack(_Frozen):
    """One version of the LBF agreement template."""

    id: TemplatePack
    regulation: str
    title: str
    labels: Labels
    documents: Documents
    headings: dict[str, str]
    fixed: dict[str, str]
    goals_table: dict[str, dict[str, str]]
    focus_areas: list[PackFocusArea]
    # A rule's level under this pack where the pack's regulativ weighs it otherwise
    # ("AG206": "W"); every other rule keeps its own.
    rule_levels: dict[str, Literal["E", "W"]] = Field(default_factory=dict)

    @property
    def columns(self) -> dict[str, str]:
        """Return the goals-table columns: key -> heading, in order."""
        return self.goals_table["columns"]

    @property
    def indicators(self) -> dict[int, tuple[PackFocusArea, Indicator]]:
        """Return every indicator by number, with its focus area."""
        return {i.number: (area, i) for area in self.focus_areas for i in area.indicators}

    def rule_level(self, code: str, level: Literal["E", "W"]) -> Literal["E", "W"]:
        """Return the level of rule `code` under this pack (`level` is the rule's own)."""
        return self.rule_levels.get(code, level)

    def area(self, key: FocusAreaKey) -> PackFocusArea:
        """Return the focus area with `key`."""
        return next(a for a in self.focus_areas if a.key == key)


@functools.cache
def load_pack(pack_id: TemplatePack) -> Pack:
    """Return the template pack `pack_id` (packs ship inside the package)."""
    text = resources.files(__package__).joinpath(f"{pack_id.value}.yaml").read_text("utf-8")
    # libyaml reads it ten times faster than ruamel's pure Python (a tenth of a validate run);
    # ruamel reads what libyaml leaves to it.
    data = read_tree(text, yaml_parser().constructor, MAX_DEPTH)
    if data is None:
        data = YAML(typ="safe", pure=True).load(text)
    return Pack.model_validate(data)


@functools.cache
def rules_weighed_by_pack() -> frozenset[str]:
    """Return the codes of the rules whose level some template pack sets otherwise."""
    return frozenset(code for pack_id in TemplatePack for code in load_pack(pack_id).rule_levels)
