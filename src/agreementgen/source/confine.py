"""Every file an agreement is read from lies inside its agreement folder, links followed.

A link is a convenience inside a folder (two documents sharing one picture, say), but one that
leads out of it would let an agreement read, hash and echo any file the user can read
(`contingency-plan.yaml -> ~/.ssh/config`). Each reader asks here before it opens a file.
"""

from __future__ import annotations

from pathlib import Path

from agreementgen.language import tr


class Outside(Exception):
    """A path that leads outside its agreement folder, or that cannot be followed at all.

    `reason` is what the path does, a phrase that follows "the file" in the reader's message
    (in the current language).
    """

    def __init__(self, reason: str, target: Path | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.target = target


def confined(path: Path, folder: Path) -> Path:
    """Return `path` with every link followed, when it lies inside `folder`.

    Raises:
        Outside: it leads outside the folder, or its links go round in a loop.
    """
    try:
        target = path.resolve()
        root = folder.resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python before 3.13 on a loop of links
        raise Outside(_loop_reason()) from None
    if _loops(target):
        raise Outside(_loop_reason())
    if not target.is_relative_to(root):
        raise Outside(tr("leads outside the agreement folder through a link"), target)
    return target


def _loop_reason() -> str:
    return tr("is a link that leads back to itself (a loop of links)")


def _loops(target: Path) -> bool:
    """Whether a resolved path is still a link: resolve() stops at a loop without a word."""
    try:
        return target.is_symlink()
    except OSError:
        return True


def is_confined(path: Path, folder: Path) -> bool:
    """Whether `path` lies inside `folder`, links followed."""
    try:
        confined(path, folder)
    except Outside:
        return False
    return True
