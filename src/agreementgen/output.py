"""Writing files so that nothing is ever half-written, and the same input gives the same bytes."""

from __future__ import annotations

import datetime
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from agreementgen.errors import AgreementError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and an atomic rename.

    The file keeps its permissions, or gets those a plain write would give it: mkstemp makes
    the temporary file private.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).chmod(mode)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# The earliest time a zip entry can carry: archives built from the same files are the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def stable_zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    """Return a zip of `files` in the order given, with fixed times and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def restamp_zip(data: bytes) -> bytes:
    """Rewrite a zip-based file (DOCX, XLSX) with fixed entry times, keeping its entry order.

    Office libraries stamp every entry with the time of saving; nothing else in them varies.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return stable_zip((info.filename, source.read(info)) for info in source.infolist())


_CORE = "docProps/core.xml"
_CORE_DATE = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def with_core_dates(data: bytes, when: datetime.datetime) -> bytes:
    """Rewrite an Office file (DOCX, XLSX) with `when` as its created and modified date.

    The dates are in docProps/core.xml; the file is repacked with fixed entry times.
    """
    stamp = when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    dated = [
        (name, _CORE_DATE.sub(rf"\g<1>{stamp}\g<3>", content.decode("utf-8")).encode("utf-8"))
        if name == _CORE
        else (name, content)
        for name, content in entries
    ]
    return stable_zip(dated)


def source_date_epoch(environ: Mapping[str, str] | None = None) -> datetime.datetime | None:
    """Return SOURCE_DATE_EPOCH as a UTC time, or None when it is not set.

    It is the one "now" a build may use (reproducible-builds.org): documents otherwise carry
    the agreement's own date.

    Raises:
        AgreementError: SOURCE_DATE_EPOCH is set but is not a whole number of seconds.
    """
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    try:
        return datetime.datetime.fromtimestamp(int(value), datetime.UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise AgreementError(
            f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds since 1970-01-01"
        ) from exc
