"""Benchmarks: whole-process wall time (median of 5) and peak memory of agreementgen commands.

Run with `make bench`. Each scenario is a command line run as a fresh process, as a user runs
it, so interpreter start-up and imports count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
AGREEMENTGEN = str(BIN / "agreementgen")
PYTHON = sys.executable


@dataclass(frozen=True)
class Measurement:
    """Timings of one scenario."""

    name: str
    seconds: list[float]
    peak_kib: int

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.seconds)


def run(command: list[str], *, cwd: Path) -> tuple[float, int]:
    """Run `command`; return its wall time and its peak resident memory in KiB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed:\n{error}")
    return elapsed, usage.ru_maxrss


def measure(
    name: str, command: list[str], *, repeat: int, cwd: Path = ROOT, fresh: Path | None = None
) -> Measurement:
    """Run a scenario `repeat` times after one warm-up run (file cache, bytecode).

    `fresh` is removed before every run: a build into a folder it built before would find
    nothing changed and skip the work being measured.
    """

    def once() -> tuple[float, int]:
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        return run(command, cwd=cwd)

    once()
    results = [once() for _ in range(repeat)]
    return Measurement(name, [r[0] for r in results], max(r[1] for r in results))


def scenarios(out: Path) -> list[tuple[str, list[str], Path | None]]:
    """The strategic agreement scenarios of issues #2 and #5: (name, command, folder to clear)."""
    viborg = "agreements/viborg"
    build = [AGREEMENTGEN, "build", viborg, "--out", str(out)]
    unchanged = out.with_name(out.name + "-unchanged")
    return [
        ("validate viborg", [AGREEMENTGEN, "validate", viborg], None),
        ("build viborg --format docx", [*build, "--format", "docx"], out),
        ("build viborg --format html", [*build, "--format", "html"], out),
        ("build viborg (docx, html, pdf)", build, out),
        # The warm-up run builds it; the measured runs find nothing changed.
        (
            "build viborg again, nothing changed",
            [AGREEMENTGEN, "build", viborg, "--out", str(unchanged)],
            None,
        ),
        ("baseline: bare docxtpl render", [PYTHON, str(ROOT / "bench" / "bare_docxtpl.py")], None),
    ]


def main() -> None:
    """Run every scenario and print a table of medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="run scenarios whose name contains this text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            measure(name, command, repeat=args.repeat, fresh=fresh)
            for name, command, fresh in scenarios(Path(tmp) / "output")
            if not args.only or args.only in name
        ]
    print(f"{'scenario':<36} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9}")
    for m in rows:
        print(
            f"{m.name:<36} {m.median:>9.3f} {min(m.seconds):>7.3f} {max(m.seconds):>7.3f}"
            f" {m.peak_kib / 1024:>9.1f}"
        )


if __name__ == "__main__":
    main()
