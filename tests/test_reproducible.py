"""Byte-reproducible output: the same sources give the same bytes, anywhere, at any time."""

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from agreementgen.build.outputs import document_date
from agreementgen.build.pipeline import build_agreements
from agreementgen.errors import AgreementError
from agreementgen.files import (
    ZIP_TIME,
    docx_file,
    restamp_zip,
    source_date_epoch,
    stable_zip,
    with_core_dates,
)

from .helpers import ROOT, copy_agreement, load, not_an_example


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _build(cwd: Path, out: str, tz: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["TZ"] = tz
    subprocess.run(
        [sys.executable, "-m", "agreementgen", "build", "--final", "--zip", "--out", out],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
    )


def _core_dates(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    return [part.split("<")[0] for part in core.split('W3CDTF">')[1:]]


@pytest.mark.slow
def test_two_builds_in_different_time_zones_give_the_same_bytes(tmp_path: Path) -> None:
    # A final build (the upload zip is made of one): of a real agreement, not the example.
    not_an_example(copy_agreement(ROOT / "agreements" / "example", tmp_path / "agreements"))
    _build(tmp_path, "one", "UTC")
    time.sleep(1.1)  # a second later: any time stamp would differ
    _build(tmp_path, "two", "America/Los_Angeles")
    one, two = _hashes(tmp_path / "one"), _hashes(tmp_path / "two")
    assert one == two
    suffixes = {Path(name).suffix for name in one}
    assert {".docx", ".xlsx", ".html", ".pdf", ".png", ".zip", ".json", ".md"} <= suffixes
    # The manifest's hashes are those of the files.
    manifest = json.loads((tmp_path / "one/example/manifest.json").read_text("utf-8"))
    for entry in manifest["files"]:
        assert entry["sha256"] == one[f"example/{entry['name']}"]
    # Documents carry the agreement's own date (it is unsigned: the start of its period).
    item = load(tmp_path / "agreements" / "example")
    day = item.agreement.period.start.isoformat()
    for name in ("Strategisk samarbejdsaftale.docx", "Budget.docx", "Budget.xlsx"):
        dates = _core_dates((tmp_path / "one/example" / name).read_bytes())
        assert dates and all(d == f"{day}T00:00:00Z" for d in dates), (name, dates)
    assert manifest["document_date"] == f"{day}T00:00:00Z"


def test_source_date_epoch_dates_the_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_agreement(ROOT / "tests" / "data" / "demo", tmp_path / "agreements")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    build_agreements([], out=Path("output"), formats=("docx",))
    data = Path("output/demo/Strategisk samarbejdsaftale.docx").read_bytes()
    assert set(_core_dates(data)) == {"2023-11-14T22:13:20Z"}
    # Another epoch is another input: the documents are rendered again with it.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    result = build_agreements([], out=Path("output"), formats=("docx",))
    assert result.unchanged == []
    data = Path("output/demo/Strategisk samarbejdsaftale.docx").read_bytes()
    assert set(_core_dates(data)) == {"2020-09-13T12:26:40Z"}


def test_a_bad_source_date_epoch_is_refused() -> None:
    with pytest.raises(AgreementError, match="SOURCE_DATE_EPOCH='yesterday'"):
        source_date_epoch({"SOURCE_DATE_EPOCH": "yesterday"})
    assert source_date_epoch({}) is None
    assert source_date_epoch({"SOURCE_DATE_EPOCH": "0"}) == datetime.datetime(
        1970, 1, 1, tzinfo=datetime.UTC
    )


def test_the_document_date_is_the_last_signature_else_the_period_start(tmp_path: Path) -> None:
    item = load(copy_agreement(ROOT / "agreements" / "example", tmp_path))
    agreement = item.agreement
    assert document_date(agreement) == datetime.datetime.combine(
        agreement.period.start, datetime.time(), datetime.UTC
    )
    days = (datetime.date(2025, 12, 1), datetime.date(2025, 12, 9))
    parties = [
        p.model_copy(update={"signatory": p.signatory.model_copy(update={"date": day})})
        for p, day in zip(agreement.parties, days, strict=False)
    ]
    signed = agreement.model_copy(update={"parties": parties})
    assert document_date(signed) == datetime.datetime(2025, 12, 9, tzinfo=datetime.UTC)


def test_office_files_get_the_date_and_fixed_zip_entries() -> None:
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr(
            "docProps/core.xml",
            '<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z'
            '</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z'
            "</dcterms:modified></cp:coreProperties>",
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
    when = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    dated = with_core_dates(source.getvalue(), when)
    assert _core_dates(dated) == ["2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z"]
    with zipfile.ZipFile(io.BytesIO(dated)) as archive:
        assert [i.filename for i in archive.infolist()] == ["docProps/core.xml", "xl/workbook.xml"]
        assert {i.date_time for i in archive.infolist()} == {ZIP_TIME}


def _zip_written_at(when: tuple[int, int, int, int, int, int], mode: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "æøå")):
            info = zipfile.ZipInfo(name, when)
            info.external_attr = mode << 16
            info.create_system = 0  # as written on Windows
            archive.writestr(info, text)
    return buffer.getvalue()


def test_a_restamped_office_file_is_the_same_bytes_whenever_and_wherever_it_was_saved() -> None:
    early = restamp_zip(_zip_written_at((2026, 11, 22, 13, 0, 0), 0o600))
    late = restamp_zip(_zip_written_at((2031, 5, 3, 23, 59, 58), 0o666))
    assert early == late
    with zipfile.ZipFile(io.BytesIO(early)) as archive:
        assert archive.testzip() is None  # the compressed entries are untouched
        assert archive.read("word/document.xml").decode("utf-8") == "æøå"
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["[Content_Types].xml", "word/document.xml"]
        assert {(i.date_time, i.external_attr >> 16, i.create_system) for i in infos} == {
            (ZIP_TIME, 0o644, 3)
        }
        # Each entry's local header carries the time too (DOS time 0, date 1980-01-01).
        locals_ = [early[i.header_offset + 10 : i.header_offset + 14] for i in infos]
        assert locals_ == [b"\x00\x00\x21\x00"] * 2


def test_a_zip_with_data_before_it_is_refused_not_patched_blindly() -> None:
    data = b"#!/bin/sh\n" + _zip_written_at((2026, 11, 22, 13, 0, 0), 0o600)
    with pytest.raises(zipfile.BadZipFile, match="local file header expected"):
        restamp_zip(data)


def test_the_output_does_not_depend_on_where_the_build_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The checklist and the manifest name files inside the agreement folder, not as seen from
    # the working directory.
    folder = copy_agreement(ROOT / "tests" / "data" / "demo", tmp_path / "agreements")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.chdir(tmp_path)
    build_agreements([Path("agreements/demo")], out=tmp_path / "one", formats=("html",))
    monkeypatch.chdir(folder)
    build_agreements([Path()], out=tmp_path / "two", formats=("html",))
    assert _hashes(tmp_path / "one") == _hashes(tmp_path / "two")
    checklist = (tmp_path / "one/demo/Upload-tjekliste.md").read_text("utf-8")
    assert "```text\nagreement.yaml:" in checklist


def _zipfile_bytes(files: list[tuple[str, bytes]]) -> bytes:
    """The archive Python's zipfile writes of `files`, with the times and modes we fix."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, data)
    return buffer.getvalue()


def test_our_zip_writer_writes_what_pythons_zipfile_writes() -> None:
    # A large entry twice (kept compressed for the second time), a name that is not ASCII
    # (zipfile marks it UTF-8), an empty entry.
    font = os.urandom(20_000) + b"a" * 50_000
    files = [
        ("[Content_Types].xml", b"<Types/>"),
        ("word/fonts/font1.odttf", font),
        ("Delaftale - Beskæftigelse.docx", "æøå".encode()),
        ("empty", b""),
    ]
    assert stable_zip(files) == _zipfile_bytes(files)
    assert stable_zip(files[1:2]) == _zipfile_bytes(files[1:2])
    with zipfile.ZipFile(io.BytesIO(stable_zip(files))) as archive:
        assert archive.testzip() is None
        assert archive.read("word/fonts/font1.odttf") == font


def test_a_word_file_is_what_python_docx_saves_restamped() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Sammenhængskraft og medborgerskab")
    saved = io.BytesIO()
    document.save(saved)
    assert docx_file(document) == restamp_zip(saved.getvalue())
