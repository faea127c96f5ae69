"""Two revisions of the Viborg agreement in a throwaway git repository, for diff and redline.

The repository is made with `git init` in a temporary folder; the project's own repository is
never touched. Commits carry fixed names and dates, so commit times (the redline's change
dates) are known.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..helpers import ROOT

VIBORG = ROOT / "agreements" / "viborg" / "agreement.yaml"
FOLDER = "agreements/viborg"
V1_DATE = "2026-01-15T10:00:00+01:00"
V2_DATE = "2026-02-01T09:30:00+01:00"
V2_ISO = "2026-02-01T08:30:00Z"  # V2_DATE in UTC, as Word writes it

STOHOLM = """\
  - id: stoholm
    number: "822"
    name: Stoholm
    units: 92
    building_type: lejemål og er en blanding af etageboliger og rækkehuse.
    physical_plan:
      description: Der er ikke planlagt byggefysiske forandringer.
    notes: Beliggende ca. 18 km uden for Viborg.
"""
STOHOLM_ROW = (
    "        - department: stoholm\n"
    "          values: {residents: 134, outside-labour-market: 60.0, non-western: 10.0, "
    "convicted: null, basic-school-only: 60.0, income: 68.0}\n"
)
POLICE = """\
  - id: viborg-politi
    kind: police
    name: Viborg Politi
"""
MUNICIPALITY = """\
  - id: viborg-kommune
    kind: municipality
    name: Viborg Kommune
"""

# The second revision: each edit is (old text, new text) and must occur exactly once.
EDITS = (
    # a date
    ("  end: 2029-07-31\n", "  end: 2029-12-31\n"),
    # a baseline value
    (
        "      - indicator: 4\n        area: [{value: 25.95}]",
        "      - indicator: 4\n        area: [{value: 24.10}]",
    ),
    # a party added
    (MUNICIPALITY, MUNICIPALITY + POLICE),
    # a department removed, with its row of the criteria table
    (STOHOLM, ""),
    (STOHOLM_ROW, ""),
    # an id renamed, and the reference to it
    ("  - id: kaersangerparken\n", "  - id: kaersanger-parken\n"),
    ("        - department: kaersangerparken\n", "        - department: kaersanger-parken\n"),
    # a sentence in a paragraph
    (
        "styrke chancelighed for helhedsplanens beboere",
        "styrke lige muligheder for helhedsplanens beboere",
    ),
    # a cell in a table
    ('              - ["2016", 45.39, 14.80]', '              - ["2016", 45.40, 14.80]'),
    # an item in a list
    (
        "    - sikre rammer og retningen for den boligsociale helhedsplan",
        "    - sikre rammer og retning for den boligsociale helhedsplan",
    ),
)


@dataclass(frozen=True)
class Scenario:
    """The repository and a copy of each revision's agreement folder."""

    repo: Path
    v1: Path
    v2: Path


def git(repo: Path, *args: str, date: str = V1_DATE) -> str:
    """Run git in `repo` with a fixed identity and date, ignoring the user's git config."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def edit(text: str, edits: tuple[tuple[str, str], ...]) -> str:
    """Apply (old, new) replacements, each of which must match exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, f"not exactly once in the agreement: {old!r}"
        text = text.replace(old, new)
    return text


def swap_blocks(text: str, first: str, second: str, after: str) -> str:
    """Swap the block starting at `first` with the one at `second`, which ends at `after`."""
    i, j, k = text.index(first), text.index(second), text.index(after)
    assert i < j < k
    return text[:i] + text[j:k] + text[i:j] + text[k:]


def make(base: Path) -> Scenario:
    """Make the repository: v1 (tag v1), then v2 (tag v2, on main) with EDITS, and the
    baselines of indicators 1 and 2 swapped, which changes nothing."""
    repo = base / "repo"
    (repo / FOLDER).mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    agreement = repo / FOLDER / "agreement.yaml"
    original = VIBORG.read_text("utf-8")
    agreement.write_text(original, "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    git(repo, "tag", "v1")
    changed = edit(original, EDITS)
    changed = swap_blocks(
        changed, "      - indicator: 1\n", "      - indicator: 2\n", "      - indicator: 3\n"
    )
    agreement.write_text(changed, "utf-8")
    git(repo, "commit", "-q", "-am", "v2", date=V2_DATE)
    git(repo, "tag", "v2")
    copies = []
    for name, text in (("v1", original), ("v2", changed)):
        folder = base / name / "viborg"
        folder.mkdir(parents=True)
        (folder / "agreement.yaml").write_text(text, "utf-8")
        copies.append(folder)
    return Scenario(repo, *copies)


def branch(scenario: Scenario, name: str, text: str, *, start: str = "v1") -> None:
    """Commit `text` as the agreement on a new branch from `start`, leaving main checked out."""
    repo = scenario.repo
    git(repo, "checkout", "-q", "-b", name, start)
    (repo / FOLDER / "agreement.yaml").write_text(text, "utf-8")
    git(repo, "commit", "-q", "-am", name, date=V2_DATE)
    git(repo, "checkout", "-q", "main")


def copy_file(source: Path, target: Path) -> None:
    """Copy a file, making its folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def make_folder(base: Path) -> Path:
    """Make a repository holding all of agreements/viborg (every document) at tag v1."""
    repo = base / "repo"
    shutil.copytree(VIBORG.parent, repo / FOLDER)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    git(repo, "tag", "v1")
    return repo


def commit(repo: Path, tag: str, files: dict[str, str | None], *, start: str = "v1") -> None:
    """Commit, on a branch from `start` tagged `tag`, files of the Viborg folder with new text
    (None: removed); main stays checked out."""
    git(repo, "checkout", "-q", "-b", f"branch-{tag}", start)
    for name, text in files.items():
        path = repo / FOLDER / name
        if text is None:
            git(repo, "rm", "-q", f"{FOLDER}/{name}")
        else:
            path.write_text(text, "utf-8")
            git(repo, "add", f"{FOLDER}/{name}")
    git(repo, "commit", "-q", "-m", tag, date=V2_DATE)
    git(repo, "tag", tag)
    git(repo, "checkout", "-q", "main")
