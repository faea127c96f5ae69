"""The output folder: staging folders filled beside it, swapped in whole, leftovers repaired."""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from agreementgen.errors import display_path
from agreementgen.processes import signals_deferred

logger = logging.getLogger(__name__)


_LEFTOVER = re.compile(r"^\.(?P<ident>.+)\.(?P<kind>staging|old)-(?:(?P<pid>\d+)-)?[a-z0-9_]+$")


def new_staging(out: Path, ident: str) -> Path:
    """Make an empty staging folder beside `out/ident`, named after this process."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{ident}.staging-{os.getpid()}-", dir=out))
    staging.chmod(0o755)  # mkdtemp makes it private; the output is for everyone to read
    return staging


def fill(staging: Path, target: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` into `staging`; a file equal to the one in `target` is linked, not written,
    so an unchanged file keeps its inode and modification time across builds."""
    for name, data in sorted(files.items()):
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"output file name {name!r} is not a plain file name")
        old = target / name
        if _same(old, data):
            try:
                (staging / name).hardlink_to(old)
                continue
            except OSError:  # a file system without hard links
                pass
        (staging / name).write_bytes(data)


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def publish(out: Path, staged: Mapping[str, Path]) -> list[Path]:
    """Swap every staging folder into place, with Ctrl-C and SIGTERM held back meanwhile."""
    retired = []
    with signals_deferred():
        for ident, staging in staged.items():
            target = out / ident
            if target.exists():
                # Two renames keep a complete folder at `target` at every moment but a short
                # one; a build killed between them is repaired by the next (recover).
                old = Path(tempfile.mkdtemp(prefix=f".{ident}.old-{os.getpid()}-", dir=out))
                old.rmdir()
                target.rename(old)
                retired.append(old)
            staging.rename(target)
    for old in retired:
        shutil.rmtree(old, ignore_errors=True)
    return [out / ident for ident in staged]


def recover(out: Path) -> None:
    """Remove the staging folders of builds that died, and put back an output folder that a
    build killed between its two renames left retired."""
    if not out.is_dir():
        return
    for path in sorted(out.iterdir()):
        found = _LEFTOVER.match(path.name)
        if found is None or not path.is_dir() or _alive(found["pid"]):
            continue
        target = out / found["ident"]
        if found["kind"] == "old" and not target.exists():
            logger.warning("restoring %s from an interrupted build", display_path(target))
            path.rename(target)
        else:
            logger.info("removing %s, left by an interrupted build", display_path(path))
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: str | None) -> bool:
    """Whether the process that made a leftover folder still runs (it may still be building)."""
    if pid is None or sys.platform == "win32":
        return pid is not None
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
