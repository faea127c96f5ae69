"""Writing files so that nothing is ever half-written."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path


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
