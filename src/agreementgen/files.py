"""Writing files: never half-written, never over an input, the same input the same bytes."""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
import os
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from agreementgen.errors import AgreementError, Diagnostic, InputError, Note, display_path
from agreementgen.language import tr

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument


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
_DOS_TIME = (
    (ZIP_TIME[3] << 11) | (ZIP_TIME[4] << 5) | (ZIP_TIME[5] // 2),
    ((ZIP_TIME[0] - 1980) << 9) | (ZIP_TIME[1] << 5) | ZIP_TIME[2],
)
# Entries are files of a Unix system with mode rw-r--r--, whatever system wrote them:
# Python's zipfile would otherwise record Windows on Windows.
_UNIX = 3
_ENTRY_MODE = 0o644 << 16
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"


def stable_zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    """Return a zip of `files` in the order given, with fixed times and permissions.

    The bytes are those Python's zipfile writes with ZIP_DEFLATED at the default level; the
    archive is assembled here so that a large entry that recurs (the fonts every Word file
    embeds, a picture in several documents) is compressed once per process, not once per
    file: compressing them was a sixth of a Word build.
    """
    body = io.BytesIO()
    central = io.BytesIO()
    count = 0
    for name, data in files:
        encoded = name.encode("ascii", "ignore")
        flags = 0
        if len(encoded) != len(name):  # zipfile marks a name that is not ASCII as UTF-8
            encoded, flags = name.encode("utf-8"), 0x800
        crc, packed = _deflated(data)
        sizes = (crc, len(packed), len(data), len(encoded))
        offset = body.tell()
        body.write(
            _LOCAL_HEADER.pack(
                _LOCAL, _ZIP_VERSION, 0, flags, zipfile.ZIP_DEFLATED, *_DOS_TIME, *sizes, 0
            )
        )
        body.write(encoded)
        body.write(packed)
        central.write(
            _CENTRAL_HEADER.pack(
                _CENTRAL,
                _ZIP_VERSION,
                _UNIX,
                _ZIP_VERSION,
                0,
                flags,
                zipfile.ZIP_DEFLATED,
                *_DOS_TIME,
                *sizes,
                0,
                0,
                0,
                0,
                _ENTRY_MODE,
                offset,
            )
        )
        central.write(encoded)
        count += 1
    directory = central.getvalue()
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), body.tell(), 0)
    return body.getvalue() + directory + end


_ZIP_VERSION = 20  # 2.0, the version that brought deflate: made by, and needed to extract
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
# Entries at least this large are kept compressed for the next archive that holds them.
_RECURRING = 16 * 1024


def _deflated(data: bytes) -> tuple[int, bytes]:
    """The CRC-32 of `data` and its raw deflate stream, as zipfile makes them."""
    if len(data) >= _RECURRING:
        return _deflated_large(data)
    return _deflate(data)


def _deflate(data: bytes) -> tuple[int, bytes]:
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


# Bounded: a build of many agreements meets their pictures once each.
_deflated_large = functools.lru_cache(maxsize=32)(_deflate)


def docx_file(document: DocxDocument) -> bytes:
    """Return the bytes of a python-docx document, as its `save` would write them but with
    fixed entry times and permissions (see stable_zip).

    The parts go in the order python-docx writes them: the content types, the package's
    relationships, then each part and its relationships.
    """
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    package = document.part.package
    parts = list(package.iter_parts())
    entries = [
        (CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob),  # type: ignore[no-untyped-call]
        (PACKAGE_URI.rels_uri.membername, package.rels.xml),
    ]
    for part in parts:
        entries.append((part.partname.membername, part.blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, part.rels.xml))
    return stable_zip(entries)


def office_file(save: Callable[[BinaryIO], object]) -> bytes:
    """Return the bytes of an Office file that `save` writes, restamped so that the same
    content gives the same bytes on every run and every system.

    The workbook goes through here; Word files, whose parts we hold, through docx_file.
    """
    out = io.BytesIO()
    save(out)
    return restamp_zip(out.getvalue())


def restamp_zip(data: bytes) -> bytes:
    """Return a zip-based file (DOCX, XLSX) with fixed entry times and permissions.

    Office libraries stamp every entry with the time of saving; nothing else in them varies.
    Only the headers are patched: the entries keep their order and their compressed bytes,
    which spares decompressing and compressing the whole file again.
    """
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = len(archive.infolist())
        at = archive.start_dir  # where the central directory starts
    for _ in range(entries):
        if patched[at : at + 4] != _CENTRAL:
            raise zipfile.BadZipFile("central directory entry expected")
        # A central directory entry: "made by" at 4, time and date at 12, the lengths of
        # name, extra and comment at 28, 30 and 32, mode at 38, its local header's offset at 42.
        names, extra, comment = struct.unpack_from("<3H", patched, at + 28)
        (local,) = struct.unpack_from("<I", patched, at + 42)
        if patched[local : local + 4] != _LOCAL:  # data before the archive: not ours to patch
            raise zipfile.BadZipFile("local file header expected")
        patched[at + 5] = _UNIX  # "version made by": the system is its high byte
        struct.pack_into("<2H", patched, at + 12, *_DOS_TIME)
        struct.pack_into("<I", patched, at + 38, _ENTRY_MODE)
        struct.pack_into("<2H", patched, local + 10, *_DOS_TIME)  # the local header's copy
        at += 46 + names + extra + comment
    return bytes(patched)


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
            tr("SOURCE_DATE_EPOCH={value!r} is not a number of seconds since 1970-01-01").format(
                value=value
            )
        ) from exc


# -- where a build writes ------------------------------------------------------------------
# A build replaces `OUT/<id>/` whole. Were that folder an agreement folder, or inside one, or
# one that holds one, the swap would delete the agreement (`--out agreements` once replaced
# agreements/example with its own output). Two agreement folders of one name would build into
# one output folder, and one of them would silently be lost. A place that cannot take a
# folder (under a file, without write permission, a link) ends the build before it starts,
# with a diagnostic rather than a traceback halfway through. Checked before anything is
# written, for build and redline alike.


def destination_problems(out: Path, folders: Sequence[Path]) -> list[Diagnostic]:
    """Every reason the agreements in `folders` cannot be built into `out`; empty if none."""
    problems = _unwritable(out)
    problems += _same_names(out, folders)
    for folder in folders:
        problems += _overlap(out / _ident(folder), folder)
    return problems


def _ident(folder: Path) -> str:
    return folder.resolve().name


def _unwritable(out: Path) -> list[Diagnostic]:
    """Why no output folder can be made in `out`, if so: it is a file, lies under one, lies
    where this user may not write, or its links loop."""
    shown = display_path(out)
    hint = tr("choose another --out")
    try:
        resolved = out.resolve()
    except (OSError, RuntimeError):
        return [_error(shown, "AG124", tr("the output folder is a loop of links"), hint)]
    existing = next((p for p in (resolved, *resolved.parents) if p.exists()), None)
    if existing is None:  # not even the root exists: nothing to check against
        return []
    if not existing.is_dir():
        message = tr("the output folder is a file")
        if existing != resolved:
            message = tr("the output folder lies under the file {file}").format(
                file=display_path(existing)
            )
        return [_error(shown, "AG124", message, hint)]
    if not os.access(existing, os.W_OK | os.X_OK):
        message = tr("the output folder cannot be made: no permission to write in {folder}").format(
            folder=display_path(existing)
        )
        return [_error(shown, "AG124", message, hint)]
    return []


def _same_names(out: Path, folders: Sequence[Path]) -> list[Diagnostic]:
    """Two different agreement folders of one name would build into one output folder."""
    by_name: dict[str, list[Path]] = {}
    for folder in folders:
        same = by_name.setdefault(_ident(folder), [])
        if all(folder.resolve() != other.resolve() for other in same):
            same.append(folder)
    problems = []
    for name, same in by_name.items():
        if len(same) < 2:
            continue
        target = display_path(out / name)
        for folder in same:
            others = tuple(
                Note(display_path(o), 0, 0, tr("another agreement folder of that name"))
                for o in same
                if o is not folder
            )
            problems.append(
                Diagnostic(
                    display_path(folder),
                    0,
                    0,
                    "AG123",
                    tr(
                        "two agreement folders are named {name!r}: both would be built into"
                        " {target}"
                    ).format(name=name, target=target),
                    hint=tr("the folder name is the agreement id: rename one, or build them apart"),
                    notes=others,
                )
            )
    return problems


def _overlap(target: Path, folder: Path) -> list[Diagnostic]:
    """An output folder that is, lies in, or holds the agreement folder it is built from."""
    shown = display_path(target)
    hint = tr("choose an --out outside the agreement folders, e.g. output")
    if target.is_symlink():
        message = tr("the output folder is a link; a build replaces the folder whole")
        return [_error(shown, "AG124", message, tr("point --out at where the link leads"))]
    try:
        built, source = target.resolve(), folder.resolve()
    except (OSError, RuntimeError):
        return []  # a loop: reading the agreement folder says so
    source_shown = display_path(folder)
    if built == source:
        message = tr("the output folder is the agreement folder {folder}")
    elif source.is_relative_to(built):
        message = tr("the output folder holds the agreement folder {folder}")
    elif built.is_relative_to(source):
        message = tr(
            "the output folder lies inside the agreement folder {folder},"
            " among the files it is built from"
        )
    else:
        return []
    return [_error(shown, "AG122", message.format(folder=source_shown), hint)]


def _error(path: str, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(path, 0, 0, code, message, hint=hint)


@contextlib.contextmanager
def output_errors(out: Path) -> Iterator[None]:
    """Turn a failure to write into `out` (a full disk, a folder made read-only meanwhile)
    into a diagnostic; the caller removes what it staged, and the old output stays."""
    try:
        yield
    except OSError as exc:
        message = tr("the output folder cannot be written: {reason}").format(
            reason=exc.strerror or exc
        )
        raise InputError([Diagnostic(display_path(out), 0, 0, "AG124", message)]) from exc
