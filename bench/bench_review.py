"""Benchmarks of the review commands: `diff` between two Viborg revisions and `redline` of them.

Run with `.venv/bin/python bench/bench_review.py`. The two revisions are commits in a
throwaway git repository holding a copy of agreements/viborg, the second with a date, a
baseline, a party, a sentence and a table cell changed. Each command runs as a fresh process,
median of 5 after one warm-up run, as in bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import AGREEMENTGEN, ROOT, Measurement, measure

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


def scenarios(out: Path) -> list[tuple[str, list[str]]]:
    """The review scenarios of issue #4."""
    return [
        ("diff viborg v1 v2", [AGREEMENTGEN, "diff", "v1", "v2"]),
        ("diff viborg v1 v2 --format json", [AGREEMENTGEN, "diff", "v1", "v2", "--format", "json"]),
        (
            "redline v1 v2 viborg/agreement.yaml",
            [AGREEMENTGEN, "redline", "v1", "v2", f"{VIBORG}/agreement.yaml", "--out", str(out)],
        ),
        (
            "redline v1 v2 viborg (every document)",
            [AGREEMENTGEN, "redline", "v1", "v2", VIBORG, "--out", str(out)],
        ),
    ]


def main() -> None:
    """Run every scenario and print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repository(Path(tmp))
        rows: list[Measurement] = [
            measure(name, command, repeat=args.repeat, cwd=repo)
            for name, command in scenarios(Path(tmp) / "redline")
        ]
    print(f"{'scenario':<36} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9}")
    for m in rows:
        print(
            f"{m.name:<36} {m.median:>9.3f} {min(m.seconds):>7.3f} {max(m.seconds):>7.3f}"
            f" {m.peak_kib / 1024:>9.1f}"
        )


if __name__ == "__main__":
    main()
