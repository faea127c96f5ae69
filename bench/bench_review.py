"""The review scenarios of `make bench`: `diff` and `redline` between two Viborg revisions.

bench/run.py runs them beside the build of one revision (`bench/run.py --only diff`, say, for
these alone). The two revisions are commits v1 and v2 in a throwaway git repository holding a
copy of agreements/viborg, v2 with a date, a baseline, a party, a sentence and a table cell
changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIBORG = "agreements/viborg"
EDITS = (
    ("  end: 2029-07-31\n", "  end: 2029-12-31\n"),
    ("        area: [{value: 25.95}]", "        area: [{value: 24.10}]"),
    (
        "    name: Viborg Kommune\n",
        "    name: Viborg Kommune\n"
        "  - id: viborg-politi\n    kind: police\n    name: Viborg Politi\n",
    ),
    ("styrke chancelighed for", "styrke lige muligheder for"),
    ('["2016", 45.39, 14.80]', '["2016", 45.40, 14.80]'),
)


def make_repository(base: Path) -> Path:
    """Commit agreements/viborg as v1, then the edited copy as v2; return the repository."""
    repo = base / "repo"
    shutil.copytree(ROOT / "agreements" / "viborg", repo / "agreements" / "viborg")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "v1")
    git("tag", "v1")
    agreement = repo / "agreements" / "viborg" / "agreement.yaml"
    text = agreement.read_text("utf-8")
    for old, new in EDITS:
        if text.count(old) != 1:
            raise SystemExit(f"the Viborg agreement changed; fix the bench edit {old!r}")
        text = text.replace(old, new)
    agreement.write_text(text, "utf-8")
    git("commit", "-q", "-am", "v2")
    git("tag", "v2")
    return repo


def scenarios(agreementgen: str, out: Path) -> list[tuple[str, list[str], float | None]]:
    """The review scenarios of issues #4 and #13, run in the repository: (name, command, target
    in seconds of the whole process, if it has one)."""
    redline = [agreementgen, "redline", "v1", "v2"]
    return [
        ("diff viborg v1 v2", [agreementgen, "diff", "v1", "v2"], 0.5),
        (
            "diff viborg v1 v2 --format json",
            [agreementgen, "diff", "v1", "v2", "--format", "json"],
            0.5,
        ),
        (
            "redline v1 v2 viborg/agreement.yaml",
            [*redline, f"{VIBORG}/agreement.yaml", "--out", str(out)],
            None,
        ),
        ("redline v1 v2 viborg (every document)", [*redline, VIBORG, "--out", str(out)], 1.5),
    ]
