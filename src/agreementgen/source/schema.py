"""JSON Schema files generated from the models, for editors that autocomplete YAML."""

from __future__ import annotations

import json
from pathlib import Path

from agreementgen.files import write_atomic
from agreementgen.kinds import KINDS

SCHEMA_DIR = Path("schema")


def schema_texts() -> dict[str, str]:
    """Return file name -> JSON text of every schema, as committed under schema/."""
    texts = {}
    for kind in KINDS:
        name, model = kind.schema, kind.model
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": name,
            **model.model_json_schema(),
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
