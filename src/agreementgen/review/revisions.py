"""Reading agreement folders as they are at a git revision, or in the working tree.

Old revisions are read with `git ls-tree` and `git cat-file` only, never by a checkout, so the
working tree and the index are never touched. A folder at a revision is written to a temporary
folder and read from there by the same code as a folder on disk; the diagnostics are then
given back the revision's name, as `main:agreements/viborg/agreement.yaml:8:5: ...`.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from agreementgen.errors import Diagnostic, InputError, display_path
from agreementgen.language import N_, tr
from agreementgen.source.names import AGREEMENT_FILE, DEFAULT_ROOT

if TYPE_CHECKING:
    from agreementgen.source.folder import LoadedAgreement

WORKTREE_LABEL = N_("working tree")  # said in messages as tr(WORKTREE_LABEL)


@dataclass(frozen=True)
class Revision:
    """A commit as the user named it, or the working tree (empty `name`)."""

    name: str = ""
    commit: str = ""
    timestamp: int | None = None

    @property
    def is_worktree(self) -> bool:
        """Whether this is the working tree rather than a commit."""
        return not self.commit

    @property
    def label(self) -> str:
        """The revision as output shows it: its name, or 'working tree'."""
        return self.name or WORKTREE_LABEL


@dataclass
class Repository:
    """A git repository, seen from the folder the command runs in."""

    root: Path
    cwd: Path
    _listings: dict[str, dict[str, str]] = field(default_factory=dict)
    _objects: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def discover(cls, cwd: Path | None = None) -> Repository:
        """Return the repository that contains `cwd` (default: the working directory).

        Raises:
            InputError: git is missing, or `cwd` is not inside a git work tree.
        """
        here = (cwd or Path.cwd()).resolve()
        try:
            result = _git(here, "rev-parse", "--show-toplevel")
        except FileNotFoundError:
            raise InputError(
                [
                    _problem(
                        ".",
                        "AG150",
                        tr("git is not installed"),
                        tr("install git to compare revisions"),
                    )
                ]
            ) from None
        if result.returncode != 0:
            raise InputError(
                [
                    _problem(
                        ".",
                        "AG150",
                        tr("not inside a git repository"),
                        tr("run the command in a checkout of the agreements repository"),
                    )
                ]
            )
        return cls(Path(result.stdout.decode().strip()).resolve(), here)

    # --- revisions -----------------------------------------------------------------------------

    def revision(self, name: str | None) -> Revision:
        """Resolve a revision name such as 'HEAD', 'main' or 'v1.0~2'; None is the working tree.

        Raises:
            InputError: the name is not a commit of this repository.
        """
        if name is None:
            return Revision()
        # A name starting with '-' would be read by git as an option: never pass it on.
        result = None
        if not name.startswith("-"):
            result = _git(self.root, "log", "-1", "--format=%H %ct", f"{name}^{{commit}}", "--")
        if result is None or result.returncode != 0 or not result.stdout.strip():
            raise InputError(
                [
                    _problem(
                        name,
                        "AG151",
                        tr("unknown revision: not a commit, branch or tag of this repository"),
                        tr("see `git log --oneline` for commits; a branch must be fetched first"),
                    )
                ]
            )
        commit, seconds = result.stdout.decode().split()
        return Revision(name, commit, int(seconds))

    def timestamp(self, revision: Revision, folder: str) -> int:
        """Return when `revision` of `folder` was made, in seconds since the epoch.

        A commit gives its commit time. The working tree gives SOURCE_DATE_EPOCH if it is set,
        else the time its newest file was changed: never the current time, so the same
        revisions always give the same output.
        """
        if revision.timestamp is not None:
            return revision.timestamp
        if os.environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
            return int(os.environ["SOURCE_DATE_EPOCH"])
        times = [(self.root / p).stat().st_mtime for p in self.files(revision, folder)]
        return int(max(times, default=0))

    # --- files ---------------------------------------------------------------------------------

    def repo_path(self, path: Path) -> str:
        """Return a path given on the command line as a path inside the repository.

        Raises:
            InputError: the path lies outside the repository.
        """
        absolute = (self.cwd / path).resolve() if not path.is_absolute() else path.resolve()
        try:
            inside = absolute.relative_to(self.root).as_posix()
        except ValueError:
            raise InputError(
                [_problem(str(path), "AG152", tr("the path is outside the git repository"))]
            ) from None
        return "" if inside == "." else inside

    def default_root(self) -> str:
        """Return the repository path of `agreements/` below the working directory."""
        return self.repo_path(DEFAULT_ROOT)

    def files(self, revision: Revision, under: str) -> list[str]:
        """Return every file below `under` (a path inside the repository) at `revision`."""
        listing = self._listing(revision, under)
        prefix = f"{under}/" if under else ""
        return sorted(p for p in listing if p.startswith(prefix) or p == under)

    def objects(self, revision: Revision, folder: str) -> dict[str, str]:
        """Map each file of `folder` at a commit to its git object, to compare folders cheaply."""
        prefix = f"{folder}/"
        listing = self._listing(revision, folder)
        return {p.removeprefix(prefix): o for p, o in listing.items() if p.startswith(prefix)}

    def same_folder(self, a: Revision, a_folder: str, b: Revision, b_folder: str) -> bool:
        """Whether a folder holds the same files, byte for byte, at two revisions.

        Two commits compare git objects; the working tree compares contents.
        """
        files = [self.objects(a, a_folder), self.objects(b, b_folder)]
        if files[0].keys() != files[1].keys():
            return False
        if not a.is_worktree and not b.is_worktree:
            return files[0] == files[1]
        names = sorted(files[0])
        contents = [
            list(self.read(revision, [f"{folder}/{n}" for n in names]).values())
            for revision, folder in ((a, a_folder), (b, b_folder))
        ]
        return contents[0] == contents[1]

    def agreement_folders(self, revision: Revision, paths: Sequence[str]) -> dict[str, str]:
        """Return the agreement folders that `paths` name at `revision`, as id -> folder.

        As for `validate`, a path is an agreement folder, its agreement.yaml, or a folder of
        agreement folders. A path that names nothing at this revision names no folder.
        """
        folders: dict[str, str] = {}
        for path in paths:
            files = set(self.files(revision, path))
            name = PurePosixPath(path)
            if name.name == AGREEMENT_FILE and path in files:
                found = [str(name.parent)]
            elif f"{path}/{AGREEMENT_FILE}" in files:
                found = [path]
            else:
                depth = len(name.parts) + 2 if path else 2
                found = [
                    str(PurePosixPath(f).parent)
                    for f in sorted(files)
                    if PurePosixPath(f).name == AGREEMENT_FILE
                    and len(PurePosixPath(f).parts) == depth
                ]
            for folder in found:
                folders.setdefault(PurePosixPath(folder).name, folder)
        return dict(sorted(folders.items()))

    def read(self, revision: Revision, paths: Iterable[str]) -> dict[str, bytes]:
        """Return the contents of files at `revision`."""
        wanted = list(paths)
        if revision.is_worktree:
            return {p: (self.root / p).read_bytes() for p in wanted}
        known = self._objects.setdefault(revision.commit, {})
        for path in wanted:
            if path not in known:
                self._listing(revision, str(PurePosixPath(path).parent))
        return dict(zip(wanted, self._cat([known[p] for p in wanted]), strict=True))

    def local_folder(self, revision: Revision, folder: str, scratch: Path) -> Path:
        """Return a folder on disk holding `folder` as it is at `revision`.

        The working tree's folder is itself; a commit's is written below `scratch`, under the
        folder's own name, which is the agreement id.
        """
        if revision.is_worktree:
            return self.root / folder
        target = scratch / PurePosixPath(folder).name
        files = self.files(revision, folder)
        for path, data in self.read(revision, files).items():
            local = target / PurePosixPath(path).relative_to(folder)
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(data)
        target.mkdir(parents=True, exist_ok=True)
        return target

    def display(self, revision: Revision, path: str) -> str:
        """Return a repository path as output shows it: 'main:agreements/…' for a commit."""
        if revision.is_worktree:
            return display_path(self.root / path)
        return f"{revision.name}:{path}"

    def relabel(
        self, diagnostics: Iterable[Diagnostic], revision: Revision, local: Path, folder: str
    ) -> list[Diagnostic]:
        """Give diagnostics about files read from `local` the paths they have at `revision`."""
        if revision.is_worktree:
            return list(diagnostics)
        shown = display_path(local)

        def where(path: str) -> str:
            if path == shown or path.startswith(f"{shown}/"):
                return self.display(revision, folder + path[len(shown) :])
            return path

        return [
            replace(
                d,
                path=where(d.path),
                notes=tuple(replace(n, path=where(n.path)) for n in d.notes),
            )
            for d in diagnostics
        ]

    # --- git -----------------------------------------------------------------------------------

    def _listing(self, revision: Revision, under: str) -> dict[str, str]:
        """Map each file below `under` to its git object (the working tree: to '')."""
        if revision.is_worktree:
            base = self.root / under
            if base.is_file():
                return {under: ""}
            if not base.is_dir():
                return {}
            return {
                p.relative_to(self.root).as_posix(): ""
                for p in base.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.parts[-1:])
            }
        key = f"{revision.commit}:{under}"
        if key not in self._listings:
            found = self._within_listed(revision, under)
            if found is None:
                found = self._ls_tree(revision, under)
            self._listings[key] = found
            self._objects.setdefault(revision.commit, {}).update(found)
        return self._listings[key]

    def _within_listed(self, revision: Revision, under: str) -> dict[str, str] | None:
        """The files below `under` from a listing of a folder above it, if one was made: a
        diff lists `agreements/`, then each agreement folder in it, with no more git calls."""
        if not under:
            return None
        prefix = f"{under}/"
        for above in PurePosixPath(under).parents:
            name = "" if str(above) == "." else str(above)
            listing = self._listings.get(f"{revision.commit}:{name}")
            if listing is not None:
                return {p: o for p, o in listing.items() if p == under or p.startswith(prefix)}
        return None

    def _ls_tree(self, revision: Revision, under: str) -> dict[str, str]:
        """Map each file below `under` at a commit to its git object, as git lists them."""
        spec = [under] if under else []
        result = _git(self.root, "ls-tree", "-r", "-z", "--full-tree", revision.commit, "--", *spec)
        if result.returncode != 0:
            reason = _stderr(result)
            message = tr("git ls-tree failed: {reason}").format(reason=reason)
            raise InputError([_problem(revision.name, "AG153", message)])
        found = {}
        for entry in result.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if not entry:
                continue
            meta, path = entry.split("\t", 1)
            _mode, kind, obj = meta.split()
            if kind == "blob":
                found[path] = obj
        return found

    def _cat(self, objects: Sequence[str]) -> list[bytes]:
        """Read git objects in one `git cat-file --batch` process."""
        if not objects:
            return []
        request = "".join(f"{o}\n" for o in objects).encode()
        result = subprocess.run(
            ["git", "cat-file", "--batch"], cwd=self.root, input=request, capture_output=True
        )
        if result.returncode != 0:
            message = tr("git cat-file failed: {reason}").format(reason=_stderr(result))
            raise InputError([_problem(".", "AG153", message)])
        out, position, blobs = result.stdout, 0, []
        for _ in objects:
            end = out.index(b"\n", position)
            size = int(out[position:end].split()[2])
            blobs.append(out[end + 1 : end + 1 + size])
            position = end + 1 + size + 1  # the blob is followed by a newline
        return blobs


def read_agreement_at(
    repo: Repository, revision: Revision, folder: str, scratch: Path
) -> tuple[LoadedAgreement | None, list[Diagnostic]]:
    """Load, validate and check agreement folder `folder` as it is at `revision`.

    The diagnostics name the revision: `main:agreements/viborg/agreement.yaml:8:5: ...`.
    """
    from agreementgen.checks.read import read_agreement

    local = repo.local_folder(revision, folder, scratch)
    loaded, problems = read_agreement(local)
    return loaded, repo.relabel(problems, revision, local, folder)


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    # No pager and no prompts: the output is parsed, and nobody is there to answer.
    env = {**os.environ, "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env)


def _stderr(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else tr("exit status {code}").format(code=result.returncode)


def _problem(where: str, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(where, 0, 0, code, message, hint=hint)
