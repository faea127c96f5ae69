"""Benchmark: building 1, 10 and 200 generated agreements, cold and again with nothing changed.

Run with `.venv/bin/python bench/scale.py` (a few minutes on two cores). The agreements come
from bench/generate.py. Each scenario is one `agreementgen` process, as a user runs it, so
interpreter start-up and imports count; the table gives its wall time, its peak memory (the
largest single process, and the whole process tree sampled every 20 ms), and the time per
document it built. Targets (issue #5): 200 agreements DOCX-only in 60 s or less on 2 cores, a
no-change rebuild of all 200 in 2 s or less, time per document flat with N, and `validate` of
one agreement in 0.3 s or less (median of 5).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from run import AGREEMENTGEN, ROOT


@dataclass(frozen=True)
class Result:
    """One scenario's measurement."""

    name: str
    seconds: float
    cpu: float
    others: float
    peak_kib: int
    tree_kib: int
    agreements: int
    documents: int
    files: int

    def row(self) -> str:
        """The scenario as a line of the table."""
        per_doc = f"{self.seconds / self.documents * 1000:9.1f}" if self.documents else " " * 9
        per_agreement = self.seconds / max(self.agreements, 1) * 1000
        return (
            f"{self.name:<40} {self.seconds:>7.2f} {self.cpu:>7.2f} {self.others:>7.2f}"
            f" {self.peak_kib / 1024:>9.1f}"
            f" {self.tree_kib / 1024:>9.1f} {self.agreements:>5} {self.documents:>6}"
            f" {self.files:>6} {per_doc} {per_agreement:>9.1f}"
        )


HEADER = (
    f"{'scenario':<40} {'wall s':>7} {'cpu s':>7} {'other s':>7} {'peak MiB':>9}"
    f" {'tree MiB':>9} {'agr.':>5} {'docs':>6} {'files':>6} {'ms/doc':>9} {'ms/agr.':>9}"
)


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(
                int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def _busy_seconds() -> float:
    """CPU time the whole machine has spent busy since boot (all processes, all cores)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], *, cwd: Path = ROOT) -> tuple[float, float, float, int, int, str]:
    """Run `command`; return wall time, CPU time (user and system, of every process of it),
    the CPU time other processes of the machine took meanwhile, peak RSS of its largest
    process, peak RSS of its whole process tree (sampled) in KiB, and its standard error.

    The CPU times tell a slow run on a shared machine from a slow program: with 2 cores and
    others taking 1 s of CPU, the build had 1 s of wall time less of the cores it could use.
    """
    busy = _busy_seconds()
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss_kib(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read().decode() if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    cpu = usage.ru_utime + usage.ru_stime
    others = max(0.0, _busy_seconds() - busy - cpu)
    return elapsed, cpu, others, usage.ru_maxrss, max(peak_tree, usage.ru_maxrss), stderr


def _built(stderr: str) -> tuple[int, int, int]:
    """Agreements, documents and files the build wrote (not those it left unchanged)."""
    agreements = documents = files = 0
    for line in stderr.splitlines():
        if line.startswith("Built "):
            manifest = json.loads((Path(line[6:]) / "manifest.json").read_text("utf-8"))
            agreements += 1
            documents += len(manifest["documents"])
            files += len(manifest["files"]) + 1
    return agreements, documents, files


def build(
    name: str, source: Path, out: Path, formats: list[str], jobs: int | None, *, cold: bool = True
) -> Result:
    """Run one `agreementgen build` of every agreement in `source` (`cold`: into a new folder,
    so that every document is rendered and time per document means something)."""
    command = [AGREEMENTGEN, "build", str(source), "--out", str(out)]
    command += [arg for fmt in formats for arg in ("--format", fmt)]
    command += ["--jobs", str(jobs)] if jobs else []
    seconds, cpu, others, peak, tree, stderr = measure(command)
    unchanged = sum(line.startswith("Unchanged ") for line in stderr.splitlines())
    agreements, documents, files = _built(stderr)
    if not cold:
        documents = 0
    return Result(name, seconds, cpu, others, peak, tree, agreements + unchanged, documents, files)


def validate(folder: Path, repeat: int = 5) -> Result:
    """`agreementgen validate` of one agreement: the median of `repeat` runs after a warm-up."""
    command = [AGREEMENTGEN, "validate", str(folder)]
    measure(command)
    runs = [measure(command) for _ in range(repeat)]
    return Result(
        f"validate 1 agreement (median of {repeat})",
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
        max(r[3] for r in runs),
        max(r[4] for r in runs),
        1,
        0,
        0,
    )


def _byte_compile() -> None:
    """Compile agreementgen as `make` does at install: with PYTHONDONTWRITEBYTECODE set, every
    process would otherwise compile whatever changed since, and that is not what users run."""
    import compileall

    import agreementgen

    compileall.compile_dir(Path(agreementgen.__file__).parent, quiet=1)


def main() -> None:
    """Generate the agreements, run every scenario, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,200", help="agreement counts, DOCX only")
    parser.add_argument("--pdf-sizes", default="1,10", help="agreement counts, all formats")
    parser.add_argument("--jobs", type=int, help="--jobs for agreementgen (default: its own)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",") if n]
    pdf_sizes = [int(n) for n in args.pdf_sizes.split(",") if n]
    _byte_compile()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        print(f"{os.cpu_count()} cores; agreements from bench/generate.py, seed {args.seed}")
        print(HEADER, flush=True)
        for count in sorted({*sizes, *pdf_sizes}):
            generate(count, work / f"agreements-{count}", seed=args.seed)
        validate_folder = generate(1, work / "validate", seed=args.seed)[0]
        print(validate(validate_folder).row(), flush=True)
        largest = max(sizes) if sizes else 0
        for count in sizes:
            source, out = work / f"agreements-{count}", work / f"docx-{count}"
            result = build(f"build {count} (docx)", source, out, ["docx"], args.jobs)
            print(result.row(), flush=True)
        for count in pdf_sizes:
            source, out = work / f"agreements-{count}", work / f"all-{count}"
            result = build(f"build {count} (docx, html, pdf)", source, out, [], args.jobs)
            print(result.row(), flush=True)
        if largest:
            source, out = work / f"agreements-{largest}", work / f"docx-{largest}"
            again = build(
                f"rebuild {largest}, nothing changed", source, out, ["docx"], args.jobs, cold=False
            )
            print(again.row(), flush=True)
            budget = next(source.iterdir()) / "budget.yaml"
            budget.write_text(budget.read_text("utf-8") + "# changed\n", "utf-8")
            one = build(
                f"rebuild {largest}, one budget changed",
                source,
                out,
                ["docx"],
                args.jobs,
                cold=False,
            )
            print(one.row(), flush=True)


if __name__ == "__main__":
    main()
