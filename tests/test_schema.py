import json
from typing import Any

from agreementgen.kinds import document_files, kind_of
from agreementgen.source.schema import SCHEMA_DIR, schema_texts

from .helpers import ROOT

SCHEMA_LINE = "# yaml-language-server: $schema="


def test_committed_schema_is_current() -> None:
    for name, text in schema_texts().items():
        committed = ROOT / SCHEMA_DIR / name
        assert committed.read_text("utf-8") == text, (
            f"schema/{name} is stale: run `make schema` and commit it"
        )


def _fields(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [("(root)." + k, v) for k, v in schema.get("properties", {}).items()]
    for name, definition in schema.get("$defs", {}).items():
        found += [(f"{name}.{k}", v) for k, v in definition.get("properties", {}).items()]
    return found


def test_every_field_has_a_danish_title_and_a_description() -> None:
    schema = json.loads(schema_texts()["agreement.schema.json"])
    for name, field in _fields(schema):
        assert field.get("title"), f"{name} has no title"
        assert "description" in field, f"{name} has no description"


def test_every_document_file_names_its_schema() -> None:
    folders = [
        folder
        for folder in [*(ROOT / "agreements").iterdir(), *(ROOT / "tests" / "data").iterdir()]
        if (folder / "agreement.yaml").is_file()
    ]
    checked = 0
    for folder in folders:
        for path in [folder / "agreement.yaml", *document_files(folder)]:
            kind = kind_of(path, folder)
            assert kind is not None, path
            first = path.read_text("utf-8").splitlines()[0]
            assert first.startswith(SCHEMA_LINE), f"{path} lacks the schema line"
            target = (path.parent / first.removeprefix(SCHEMA_LINE)).resolve()
            assert target == (ROOT / SCHEMA_DIR / kind.schema).resolve(), path
            checked += 1
    assert checked >= 16
