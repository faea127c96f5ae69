"""JSON Schema files generated from the models, for editors that autocomplete YAML.

The schema is to accept exactly what `validate` accepts in one file, so that an editor marks
the mistakes the CLI reports and nothing else. pydantic's own generator describes what a
model gives back, which is narrower than what it reads: `AgreementSchema` says what it reads.
tests/test_schema_cli.py holds the two to the same verdicts, and names the checks no JSON
Schema can make.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from agreementgen.files import write_atomic
from agreementgen.kinds import KINDS
from agreementgen.source.model import NOT_BLANK
from agreementgen.source.names import ID_PATTERN

SCHEMA_DIR = Path("schema")

# What a number may be read as where the model wants text (coerce_numbers_to_str: a
# department number written 12 is "12"), by the pattern the text must match: any number
# where any text will do, a whole number 0 or more where an id is wanted ("12" is an id,
# "-1" and "1.5" are not); a pattern no number's digits can match (a month) takes none.
_NUMBER_AS_TEXT: dict[str | None, JsonSchemaValue] = {
    None: {"type": ["string", "number"]},
    NOT_BLANK: {"type": ["string", "number"]},
    ID_PATTERN: {"type": ["string", "integer"], "minimum": 0},
}
# NOT_BLANK spelt out: the model's regular expressions read `\s` as Unicode's White_Space,
# and an editor's (ECMAScript's) differ on U+0085; the class here means the same in both.
_PORTABLE_PATTERN = {
    NOT_BLANK: "[^\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
}
# A day of the calendar as YYYY-MM-DD, from 0001-01-01 to 9999-12-31, 29 February in leap
# years only: what the model reads as a date (`format: date` alone is only a note in
# JSON Schema 2020-12, and most validators check nothing for it).
_DAY = (
    "[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_DAY = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29"
DATE_PATTERN = f"^(?!0000)(?:{_DAY}|{_LEAP_DAY})$"


class AgreementSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, widened and narrowed to what the models read from YAML."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        """Text: a number too where the model turns numbers into text and the text fits."""
        json_schema = super().str_schema(schema)
        pattern = json_schema.get("pattern")
        if self._config.config_dict.get("coerce_numbers_to_str") and pattern in _NUMBER_AS_TEXT:
            json_schema.update(_NUMBER_AS_TEXT[pattern])
        if pattern in _PORTABLE_PATTERN:
            json_schema["pattern"] = _PORTABLE_PATTERN[pattern]
        return json_schema

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        """A date: text of a real day, as YYYY-MM-DD."""
        return {**super().date_schema(schema), "pattern": DATE_PATTERN}

    def get_decimal_pattern(self, schema: core_schema.DecimalSchema) -> str | None:
        """A number may be quoted ("12.5"): the model reads the text as the number."""
        return self.build_decimal_pattern(schema)


def schema_texts() -> dict[str, str]:
    """Return file name -> JSON text of every schema, as committed under schema/."""
    texts = {}
    for kind in KINDS:
        name, model = kind.schema, kind.model
        schema: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": name,
            **model.model_json_schema(schema_generator=AgreementSchema),
        }
        texts[name] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return texts


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into `folder`; return the files that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in schema_texts().items():
        path = folder / name
        if not path.exists() or path.read_text("utf-8") != text:
            write_atomic(path, text.encode("utf-8"))
            changed.append(path)
    return changed
