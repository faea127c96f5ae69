"""Atomic builds: each valid agreement is published whole, a broken one keeps its previous
output, and a killed build leaves no trace."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agreementgen.build import pipeline as build_module
from agreementgen.build.outputs import Output
from agreementgen.build.pipeline import FORMATS, BuildResult, build_agreements
from agreementgen.errors import Severity

from .helpers import DATA, ROOT, copy_agreement


def _snapshot(folder: Path) -> dict[str, bytes]:
    """The bytes of every file of the output folders (not of staging folders beside them)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(".")
    }


def _strays(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project, the current folder, without SOURCE_DATE_EPOCH."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


@pytest.fixture
def two(project: Path) -> Path:
    """A project with two agreements, built once as HTML."""
    copy_agreement(DATA / "demo", project / "agreements", "alpha")
    copy_agreement(DATA / "demo", project / "agreements", "beta")
    build_agreements([], out=Path("output"), formats=("html",), jobs=1)
    return project


def _touch(project: Path, name: str) -> None:
    path = project / "agreements" / name / "agreement.yaml"
    path.write_text(path.read_text("utf-8").replace("Demo & Co", "Demo og Co"), "utf-8")


def test_an_invalid_agreement_does_not_keep_the_valid_one_from_being_published(
    two: Path,
) -> None:
    before = _snapshot(Path("output"))
    _touch(two, "alpha")
    path = two / "agreements/beta/agreement.yaml"
    path.write_text(path.read_text("utf-8").replace("area_name:", "area_nam:"), "utf-8")
    result = build_agreements([], out=Path("output"), formats=("html",))
    assert result.folders == [Path("output/alpha")]
    assert result.failed == [Path("agreements/beta")]
    assert sorted(d.code for d in result.problems if d.severity is Severity.ERROR) == [
        "AG101",
        "AG102",
    ]
    after = _snapshot(Path("output"))
    # beta keeps its previous output, byte for byte; alpha's is the new one.
    assert {k: v for k, v in after.items() if k.startswith("beta/")} == {
        k: v for k, v in before.items() if k.startswith("beta/")
    }
    assert "Demo og Co" in after["alpha/Strategisk samarbejdsaftale.html"].decode()
    assert _strays(Path("output")) == []


def test_an_interrupted_build_removes_what_it_staged(
    two: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(Path("output"))
    _touch(two, "alpha")
    _touch(two, "beta")
    real = build_module.render_agreement
    staged: list[list[str]] = []

    def interrupted(item: object, formats: object, **options: object) -> list[Output]:
        if item.id == "beta":  # type: ignore[attr-defined]
            # alpha is in its staging folder by now: Ctrl-C comes in the middle of the build.
            staged.append(_strays(Path("output")))
            raise KeyboardInterrupt
        return real(item, formats, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "render_agreement", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_agreements([], out=Path("output"), formats=("html",), jobs=1)
    assert [[name.split("-")[0] for name in names] for names in staged] == [[".alpha.staging"]]
    assert _snapshot(Path("output")) == before
    assert _strays(Path("output")) == []


def test_the_next_build_removes_what_a_dead_build_left(two: Path) -> None:
    out = Path("output")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)  # a process that has ended
    (out / f".alpha.staging-{pid}-abcd1234").mkdir()
    (out / f".alpha.staging-{pid}-abcd1234" / "half.docx").write_bytes(b"half")
    (out / ".beta.staging-legacy12").mkdir()  # an older agreementgen's, without a process id
    # A build killed between its two renames: beta's previous output was moved aside.
    (out / "beta").rename(out / f".beta.old-{pid}-efgh5678")
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (out / f".alpha.staging-{running.pid}-live0000").mkdir()  # a build still running
        result = build_agreements([], out=out, formats=("html",))
        assert _strays(out) == [f".alpha.staging-{running.pid}-live0000"]
    finally:
        running.kill()
        running.wait()
    # beta's output is back, and as it was: nothing to build.
    assert result.unchanged == [out / "alpha", out / "beta"]


def _built_both_ways(
    project: Path, agreements: list[Path], formats: tuple[str, ...]
) -> tuple[BuildResult, BuildResult]:
    """Build `agreements` in `project` on one process (serial/) and on two (parallel/)."""
    for folder in agreements:
        copy_agreement(folder, project / "agreements")
    return (
        build_agreements([], out=Path("serial"), formats=formats, jobs=1),
        build_agreements([], out=Path("parallel"), formats=formats, jobs=2),
    )


@pytest.mark.slow
def test_the_agreements_built_in_parallel_are_those_built_one_by_one(project: Path) -> None:
    agreements = [ROOT / "agreements" / "example", DATA / "demo"]
    serial, parallel = _built_both_ways(project, agreements, ("docx", "html"))
    assert [p.name for p in serial.folders] == [p.name for p in parallel.folders]
    assert [p.name for p in parallel.folders] == ["demo", "example"]
    assert sorted(d.format() for d in serial.problems) == sorted(
        d.format() for d in parallel.problems
    )
    assert _snapshot(Path("serial")) == _snapshot(Path("parallel"))


@pytest.mark.slow
def test_one_agreements_documents_rendered_on_two_processes_are_those_rendered_in_one(
    project: Path,
) -> None:
    serial, parallel = _built_both_ways(project, [ROOT / "agreements" / "example"], FORMATS)
    assert serial.folders == [Path("serial/example")]
    assert parallel.folders == [Path("parallel/example")]
    assert [d.format() for d in serial.problems] == [d.format() for d in parallel.problems]
    files = _snapshot(Path("parallel"))
    assert {Path(name).suffix for name in files} >= {".docx", ".html", ".pdf", ".xlsx", ".png"}
    assert _snapshot(Path("serial")) == files


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and text in (proc / "cmdline").read_bytes().decode():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _start(project: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.Popen(
        [sys.executable, "-m", "agreementgen", "build", "--out", str(out), "--jobs", "2"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _wait_for_staging(out: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not any(".staging-" in name for name in _strays(out)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no agreement was staged"
        time.sleep(0.02)


@pytest.fixture
def four(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four agreements, built once as HTML: rebuilding them with PDFs takes a few seconds."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name in ("a", "b", "c", "d"):
        copy_agreement(ROOT / "agreements" / "example", tmp_path / "agreements", f"example-{name}")
    build_agreements([], out=tmp_path / "output", formats=("html",))
    return tmp_path


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_sigterm_while_rendering_pdfs_leaves_the_previous_output_and_no_process(
    four: Path,
) -> None:
    out = four / "output"
    before = _snapshot(out)
    process = _start(four, out)
    _wait_for_staging(out, process)  # one agreement is staged, the others are laying out PDFs
    os.kill(process.pid, signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.decode().endswith("Interrupted.\n")
    assert _snapshot(out) == before
    assert _strays(out) == []
    time.sleep(0.2)
    assert _processes_mentioning(str(out)) == []  # the workers were stopped too


# A worker that dies halfway through sending its result: it writes the length of a message
# into the pool's result pipe and is killed before the message. The pool's manager thread then
# waits for the rest of it; the build must still stop.
_HALF_A_RESULT = """
import multiprocessing, os, signal, struct, time
from agreementgen.processes import worker_pool

def half_a_result():
    os.write(POOL._result_queue._writer.fileno(), struct.pack("!i", 1000))
    os.kill(os.getpid(), signal.SIGKILL)

try:
    with worker_pool(1, multiprocessing.get_context("fork")) as POOL:
        POOL.submit(half_a_result)
        time.sleep(1)  # the worker has written its half message and died
        raise KeyboardInterrupt
except KeyboardInterrupt:
    print("stopped")
"""


@pytest.mark.skipif(sys.platform != "linux", reason="forks")
def test_a_worker_killed_while_sending_its_result_does_not_hang_the_build() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _HALF_A_RESULT], capture_output=True, text=True, timeout=60
    )
    assert result.stdout == "stopped\n", result.stderr


@pytest.mark.slow
def test_the_build_after_a_sigkill_cleans_up(four: Path) -> None:
    out = four / "output"
    before = _snapshot(out)
    process = _start(four, out)
    _wait_for_staging(out, process)
    os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, with no chance to clean
    process.communicate(timeout=60)
    assert _snapshot(out) == before  # staging folders are beside the output, not in it
    assert any(".staging-" in name for name in _strays(out))
    result = build_agreements([], out=out, formats=("html",))
    assert _strays(out) == []
    assert len(result.unchanged) == 4


def test_a_missing_path_still_reports_the_other_agreements_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = copy_agreement(DATA / "demo", tmp_path / "agreements")
    path = folder / "agreement.yaml"
    path.write_text(path.read_text("utf-8").replace("kind: police", "kind: polise"), "utf-8")
    result = build_agreements([Path("agreements/demo"), Path("nowhere")], out=Path("output"))
    assert {"AG119", "AG104"} <= {d.code for d in result.problems}
    assert result.failed == [Path("nowhere"), Path("agreements/demo")]
    assert result.folders == []
    assert not Path("output").exists()
