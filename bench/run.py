"""Benchmarks: whole-process wall time and peak memory of agreementgen commands.

Run with `make bench` (or `bench/run.py --repeat 3`, `bench/run.py --only diff`). Each scenario
is a command line run as a fresh process, as a user runs it, so interpreter start-up and
imports count: the table gives the median, fastest and slowest of 5 runs after a warm-up run,
and the peak resident memory. A scenario may have a target, in seconds, and a baseline: the
scenario its median is divided by, shown as `0.31 × #1` (row 1). `--only TEXT` runs the
scenarios whose name contains TEXT, and their baselines.
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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bench_review

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
AGREEMENTGEN = str(BIN / "agreementgen")
PYTHON = sys.executable
ONE_REVISION = "build viborg --format docx (one revision)"


@dataclass(frozen=True)
class Scenario:
    """A command line to time, and what its time is held against."""

    name: str
    command: list[str]
    cwd: Path = ROOT
    # Removed before every run: a build into a folder it built before would find nothing
    # changed and skip the work being measured.
    fresh: Path | None = None
    target: float | None = None  # seconds, whole process
    baseline: str | None = None  # the name of the scenario it is compared with


@dataclass(frozen=True)
class Measurement:
    """Timings of one scenario."""

    scenario: Scenario
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


def measure(scenario: Scenario, *, repeat: int) -> Measurement:
    """Run a scenario `repeat` times after one warm-up run (file cache, bytecode)."""

    def once() -> tuple[float, int]:
        if scenario.fresh is not None:
            shutil.rmtree(scenario.fresh, ignore_errors=True)
        return run(scenario.command, cwd=scenario.cwd)

    once()
    results = [once() for _ in range(repeat)]
    return Measurement(scenario, [r[0] for r in results], max(r[1] for r in results))


def build_scenarios(out: Path) -> list[Scenario]:
    """The strategic agreement scenarios of issues #2 and #5."""
    viborg = "agreements/viborg"
    build = [AGREEMENTGEN, "build", viborg, "--out", str(out)]
    unchanged = out.with_name(out.name + "-unchanged")
    return [
        Scenario("validate viborg", [AGREEMENTGEN, "validate", viborg]),
        Scenario(ONE_REVISION, [*build, "--format", "docx"], fresh=out),
        Scenario("build viborg --format html", [*build, "--format", "html"], fresh=out),
        Scenario("build viborg (docx, html, pdf)", build, fresh=out),
        # The warm-up run builds it; the measured runs find nothing changed.
        Scenario(
            "build viborg again, nothing changed",
            [AGREEMENTGEN, "build", viborg, "--out", str(unchanged)],
        ),
        Scenario(
            "baseline: bare docxtpl render", [PYTHON, str(ROOT / "bench" / "bare_docxtpl.py")]
        ),
    ]


def review_scenarios(repo: Path, out: Path) -> list[Scenario]:
    """bench_review's diff and redline of two revisions, each against the build of one."""
    return [
        Scenario(name, command, cwd=repo, fresh=out, target=target, baseline=ONE_REVISION)
        for name, command, target in bench_review.scenarios(AGREEMENTGEN, out)
    ]


def selected(scenarios: Sequence[Scenario], only: str | None) -> list[Scenario]:
    """The scenarios whose name contains `only`, and the baselines they are compared with."""
    if not only:
        return list(scenarios)
    chosen = {s.name for s in scenarios if only in s.name}
    chosen |= {s.baseline for s in scenarios if s.name in chosen and s.baseline}
    return [s for s in scenarios if s.name in chosen]


def table(rows: Sequence[Measurement]) -> list[str]:
    """The results, one line per scenario: name, timings, memory, target, ratio to baseline."""
    number = {m.scenario.name: index for index, m in enumerate(rows, 1)}
    medians = {m.scenario.name: m.median for m in rows}
    width = max(len("scenario"), *(len(m.scenario.name) for m in rows))
    lines = [
        f"{'#':>2}  {'scenario':<{width}} {'median s':>9} {'min s':>7} {'max s':>7}"
        f" {'peak MiB':>9} {'target s':>9} {'met':>4}  ratio"
    ]
    for index, m in enumerate(rows, 1):
        target, met, ratio = "", "", ""
        if m.scenario.target is not None:
            target = f"{m.scenario.target:.2f}"
            met = "yes" if m.median <= m.scenario.target else "NO"
        if m.scenario.baseline is not None:
            baseline = m.scenario.baseline
            ratio = f"{m.median / medians[baseline]:.2f} × #{number[baseline]}"
        lines.append(
            f"{index:>2}  {m.scenario.name:<{width}} {m.median:>9.3f} {min(m.seconds):>7.3f}"
            f" {max(m.seconds):>7.3f} {m.peak_kib / 1024:>9.1f} {target:>9} {met:>4}  {ratio}"
        )
    return [line.rstrip() for line in lines]


def main() -> None:
    """Run the scenarios and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5, help="measured runs of each (default 5)")
    parser.add_argument("--only", help="run the scenarios whose name contains this text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        repo = bench_review.make_repository(base)
        scenarios = build_scenarios(base / "output") + review_scenarios(repo, base / "redline")
        rows = [measure(s, repeat=args.repeat) for s in selected(scenarios, args.only)]
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
