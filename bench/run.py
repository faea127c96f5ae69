"""Benchmarks: whole-process wall time and peak memory of agreementgen commands (issue #15).

Run with `make bench` (every scenario; the 200-agreement ones take a minute or more per run, so
half an hour or more on two cores), or `bench/run.py --repeat 3`, `bench/run.py --only diff`.
Each scenario is a command line run as a fresh process, as a user runs it, so interpreter
start-up and imports count: the table gives the median, fastest and slowest of 5 runs after a
warm-up run (the cold 200-agreement runs have none: a minute of work is not moved by a cold
file cache), and the peak resident memory of its largest process. A scenario may have a
target, in seconds, and a baseline: the scenario its median is divided by, shown as
`0.31 × #1` (row 1), with a target for that ratio when it has one; `met` is yes when every
target of the row is met. The baselines are measured in the same run as what they are held
against: the floor of writing Viborg's Word files (bench/floor_zip.py) and a naive docxtpl
render of the same 200 generated agreements (bench/naive_docxtpl.py). `--only TEXT` runs the
scenarios whose name contains TEXT, and their baselines. What a scenario needs first (a build
to read, 200 generated agreements) is made once, outside the measured runs.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bench_review
import naive_docxtpl
from generate import generate

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
AGREEMENTGEN = str(BIN / "agreementgen")
PYTHON = sys.executable
ONE_REVISION = "build viborg --format docx (one revision)"
FLOOR = "floor: write viborg's DOCX files from parts in memory"
NAIVE = "naive docxtpl render of the 200 generated agreements"
GENERATED = 200  # agreements, from bench/generate.py
SEED = 2025


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
    ratio_target: float | None = None  # the most its median may be, in times the baseline's
    prepare: Callable[[], object] | None = None  # makes what it needs, once, untimed
    warm_up: bool = True


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
    """Run a scenario `repeat` times after its preparation and a warm-up run (file cache)."""

    def once() -> tuple[float, int]:
        if scenario.fresh is not None:
            shutil.rmtree(scenario.fresh, ignore_errors=True)
        return run(scenario.command, cwd=scenario.cwd)

    if scenario.prepare is not None:
        scenario.prepare()
    if scenario.warm_up:
        once()
    results = [once() for _ in range(repeat)]
    return Measurement(scenario, [r[0] for r in results], max(r[1] for r in results))


def build_scenarios(out: Path) -> list[Scenario]:
    """The strategic agreement scenarios of issues #2, #5 and #15, and the floor of one."""
    viborg = "agreements/viborg"
    build = [AGREEMENTGEN, "build", viborg, "--out", str(out)]
    unchanged = out.with_name(out.name + "-unchanged")
    parts = out.with_name("viborg.parts")
    floor_out = out.with_name("floor")
    return [
        Scenario("validate viborg", [AGREEMENTGEN, "validate", viborg], target=0.15),
        Scenario(
            ONE_REVISION,
            [*build, "--format", "docx"],
            fresh=out,
            target=0.5,
            baseline=FLOOR,
            ratio_target=2.0,
        ),
        Scenario(
            FLOOR,
            [PYTHON, str(BENCH / "floor_zip.py"), "write", str(parts), str(floor_out)],
            fresh=floor_out,
            prepare=functools.partial(store_parts, parts),
        ),
        Scenario("build viborg --format html", [*build, "--format", "html"], fresh=out),
        Scenario("build viborg (docx, html, pdf)", build, fresh=out),
        # The warm-up run builds it; the measured runs find nothing changed.
        Scenario(
            "build viborg again, nothing changed",
            [AGREEMENTGEN, "build", viborg, "--out", str(unchanged)],
        ),
        Scenario("baseline: bare docxtpl render", [PYTHON, str(BENCH / "bare_docxtpl.py")]),
    ]


def store_parts(parts: Path) -> None:
    """Build Viborg's Word files once and store their parts for the floor."""
    built = parts.with_name("floor-source")
    run(
        [AGREEMENTGEN, "build", "agreements/viborg", "--out", str(built), "--format", "docx"],
        cwd=ROOT,
    )
    run([PYTHON, str(BENCH / "floor_zip.py"), "parts", str(built / "viborg"), str(parts)], cwd=ROOT)


@functools.cache
def generated(folder: Path) -> Path:
    """The 200 generated agreements in `folder`, written on first use."""
    generate(GENERATED, folder, seed=SEED)
    return folder


@functools.cache
def naive_templates(folder: Path) -> Path:
    """The naive render's Word templates in `folder`, written on first use."""
    naive_docxtpl.write_templates(folder)
    return folder


def generated_scenarios(base: Path) -> list[Scenario]:
    """The 200 generated agreements of issues #5 and #15: cold builds and a no-change rebuild,
    and the naive docxtpl render of the same agreements."""
    source = base / "generated"
    templates = base / "naive-templates"
    build = [AGREEMENTGEN, "build", str(source), "--out"]
    docx, every, again, naive = (base / n for n in ("docx-200", "all-200", "again-200", "naive"))

    prepared = functools.partial(generated, source)

    def naive_prepared() -> None:
        generated(source)
        naive_templates(templates)

    return [
        Scenario(
            f"build {GENERATED} generated agreements --format docx",
            [*build, str(docx), "--format", "docx"],
            fresh=docx,
            target=12.0,
            baseline=NAIVE,
            prepare=prepared,
            warm_up=False,
        ),
        Scenario(
            NAIVE,
            [
                PYTHON,
                str(BENCH / "naive_docxtpl.py"),
                "render",
                str(source),
                str(templates),
                str(naive),
            ],
            fresh=naive,
            prepare=naive_prepared,
            warm_up=False,
        ),
        Scenario(
            f"build {GENERATED} generated agreements (docx, html, pdf)",
            [*build, str(every)],
            fresh=every,
            target=150.0,
            prepare=prepared,
            warm_up=False,
        ),
        # The warm-up run builds it; the measured runs find nothing changed (issue #5).
        Scenario(
            f"build {GENERATED} generated agreements again, nothing changed",
            [*build, str(again), "--format", "docx"],
            target=2.0,
            prepare=prepared,
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
    while more := {s.baseline for s in scenarios if s.name in chosen and s.baseline} - chosen:
        chosen |= more
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
        target, ratio = "", ""
        verdicts = []
        if m.scenario.target is not None:
            target = f"{m.scenario.target:.2f}"
            verdicts.append(m.median <= m.scenario.target)
        if m.scenario.baseline is not None:
            baseline = m.scenario.baseline
            times = m.median / medians[baseline]
            ratio = f"{times:.2f} × #{number[baseline]}"
            if m.scenario.ratio_target is not None:
                ratio += f" (target ≤ {m.scenario.ratio_target:.2f} ×)"
                verdicts.append(times <= m.scenario.ratio_target)
        met = ("yes" if all(verdicts) else "NO") if verdicts else ""
        lines.append(
            f"{index:>2}  {m.scenario.name:<{width}} {m.median:>9.3f} {min(m.seconds):>7.3f}"
            f" {max(m.seconds):>7.3f} {m.peak_kib / 1024:>9.1f} {target:>9} {met:>4}  {ratio}"
        )
    return [line.rstrip() for line in lines]


def byte_compile() -> None:
    """Compile agreementgen as `make` does at install: with PYTHONDONTWRITEBYTECODE set, every
    run would otherwise compile whatever changed since, and that is not what users run."""
    compileall.compile_dir(ROOT / "src" / "agreementgen", quiet=1)


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
        scenarios = [
            *build_scenarios(base / "output"),
            *generated_scenarios(base),
            *review_scenarios(repo, base / "redline"),
        ]
        chosen = selected(scenarios, args.only)
        byte_compile()
        rows = [measure(s, repeat=args.repeat) for s in chosen]
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
