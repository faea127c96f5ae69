"""The floor of writing one agreement's Word documents: their parts, ready in memory, zipped.

`floor_zip.py parts DOCX_FOLDER PARTS` (before timing) reads every DOCX file of a build into
PARTS: each document's parts, uncompressed, in their order, with their compression method, as a
precompiled template holding the finished documents would have them. `floor_zip.py write PARTS
OUT` is the measured process: interpreter start, loading PARTS, and writing each document as a
zip file into OUT with the same parts and the same compression (Python's zipfile, the deflate
level python-docx and docxtpl save with). No template is read, nothing is rendered, nothing is
checked: a build of the same documents cannot be faster than this. The other files of a build
(XLSX budget, diagram, checklist, manifest) are not written.
"""

from __future__ import annotations

import argparse
import pickle
import zipfile
from pathlib import Path

# The parts of one document: (name, compression method, uncompressed bytes).
Parts = list[tuple[str, int, bytes]]


def read_parts(folder: Path) -> dict[str, Parts]:
    """The parts of every DOCX file in `folder`, by file name."""
    documents = {}
    for path in sorted(folder.glob("*.docx")):
        with zipfile.ZipFile(path) as archive:
            documents[path.name] = [
                (info.filename, info.compress_type, archive.read(info))
                for info in archive.infolist()
            ]
    return documents


def write_documents(documents: dict[str, Parts], out: Path) -> None:
    """Write each document as a zip of its parts."""
    out.mkdir(parents=True, exist_ok=True)
    for name, parts in documents.items():
        with zipfile.ZipFile(out / name, "w") as archive:
            for part, method, data in parts:
                archive.writestr(zipfile.ZipInfo(part, (1980, 1, 1, 0, 0, 0)), data, method)


def main() -> None:
    """Store the parts of a build's documents, or write them as zip files."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    store = commands.add_parser("parts")
    store.add_argument("folder", type=Path)
    store.add_argument("parts", type=Path)
    write = commands.add_parser("write")
    write.add_argument("parts", type=Path)
    write.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.command == "parts":
        args.parts.write_bytes(pickle.dumps(read_parts(args.folder)))
    else:
        write_documents(pickle.loads(args.parts.read_bytes()), args.out)


if __name__ == "__main__":
    main()
