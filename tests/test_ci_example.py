"""examples/ci/: the GitHub Actions workflow and its comment script, diff_comment.py."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from ruamel.yaml import YAML

from .helpers import ROOT, require_tool

EXAMPLE = ROOT / "examples" / "ci"
WORKFLOW = EXAMPLE / "agreements.yml"
SCRIPT = EXAMPLE / "diff_comment.py"
# Where the workflow runs the script from, in the repository it is copied to.
INSTALLED_SCRIPT = ".github/scripts/diff_comment.py"
LINK = "https://github.com/org/aftaler/actions/runs/42"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("diff_comment", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


diff_comment = _script()
MARKER = diff_comment.MARKER


def _diff(lines: int) -> str:
    """A Markdown diff of `lines` changes, in Danish as agreementgen writes it."""
    return "## Ændringer i aftaledokumenterne: `main` → arbejdskopien\n\n" + "".join(
        f"- Opgave {n}: »sikre den boligsociale helhedsplan« → »sikre indsatsplanen«\n"
        for n in range(lines)
    )


# --- the comment ------------------------------------------------------------------------------


def test_a_diff_within_the_limit_is_the_comment_after_the_marker() -> None:
    diff = _diff(3)
    assert diff_comment.comment_body(diff, LINK) == f"{MARKER}\n{diff}"


@pytest.mark.parametrize("limit", [2_000, 2_001, 5_000, diff_comment.COMMENT_LIMIT])
def test_a_long_diff_is_cut_after_the_last_whole_line_that_fits(limit: int) -> None:
    diff = _diff(2_000)  # some 170 KB: a change to a term used throughout the documents
    body = diff_comment.comment_body(diff, LINK, limit)
    assert len(body.encode("utf-8")) <= limit
    assert body.startswith(MARKER + "\n")
    shown, note = body.removeprefix(MARKER + "\n").split("\n---\n")
    assert diff.startswith(shown) and shown.endswith("\n")
    kept = shown.count("\n")
    assert note == (
        f"**Forkortet:** her vises de første {kept} af {diff.count(chr(10))} linjer. Hele listen"
        " og Word-filerne med ændringerne som sporede ændringer ligger som artefakter på"
        f" [kørslen]({LINK}).\n"
    )
    # One more line would not have fitted beside the note for the most lines.
    longest_note = diff_comment._note(2_002, 2_002, LINK)
    next_line = diff.splitlines(keepends=True)[kept]
    size = len((MARKER + "\n" + shown + next_line + longest_note).encode("utf-8"))
    assert size > limit


def test_the_default_limit_keeps_a_comment_under_githubs_65536_characters() -> None:
    body = diff_comment.comment_body(_diff(5_000), LINK)
    assert len(body) < 65_536
    assert "**Forkortet:**" in body


def test_the_limit_counts_bytes_of_utf8() -> None:
    diff = "".join("- " + "æøå" * 30 + "\n" for _ in range(100))  # two bytes a letter
    body = diff_comment.comment_body(diff, LINK, 3_000)
    assert len(body.encode("utf-8")) <= 3_000
    assert len(body) < 2_000


def test_the_body_command_prints_the_comment(tmp_path: Path) -> None:
    (tmp_path / "agreement-diff.md").write_text(_diff(500), "utf-8")
    command = [sys.executable, str(SCRIPT), "body", "agreement-diff.md", "--link", LINK]
    result = subprocess.run(
        [*command, "--limit", "4000"], cwd=tmp_path, capture_output=True, check=True
    )
    assert result.stdout.decode("utf-8") == diff_comment.comment_body(_diff(500), LINK, 4_000)


# --- one comment per pull request -------------------------------------------------------------

BOT = "github-actions[bot]"


def _comment(ident: int, login: str, body: str) -> dict[str, Any]:
    """A comment as GitHub's REST API lists it (the fields the script reads, and others)."""
    return {"id": ident, "user": {"login": login, "type": "Bot"}, "body": body, "reactions": {}}


# The comments of a pull request: people, another bot with the same marker, our own earlier
# comment that is not the diff, and the diff comment.
COMMENTS = [
    _comment(11, "mette", f"Se {MARKER} i kommentaren nedenfor\n"),
    _comment(12, "other-bot[bot]", f"{MARKER}\nnot ours\n"),
    _comment(13, BOT, "Byggeriet er færdigt\n"),
    _comment(14, BOT, f"{MARKER}\n## Ændringer\n\n- linje\n"),
    _comment(15, BOT, f"{MARKER}\n## a later duplicate\n"),
]


def _as_gh_lists(comments: list[dict[str, Any]]) -> list[str]:
    """What `gh api --jq` prints for the script's filter (jq's own output, one line each)."""
    jq = require_tool("jq")
    result = subprocess.run(
        [jq, "-r", diff_comment._COMMENTS],
        input=json.dumps(comments),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_the_comment_is_found_by_the_marker_and_the_author() -> None:
    assert diff_comment.find_comment(_as_gh_lists(COMMENTS)) == 14
    assert diff_comment.find_comment(_as_gh_lists(COMMENTS), "other-bot[bot]") == 12


def test_no_comment_is_found_without_the_marker_from_the_author() -> None:
    assert diff_comment.find_comment(_as_gh_lists(COMMENTS[:3])) is None
    assert diff_comment.find_comment([]) is None


# A stand-in for the GitHub CLI: logs each call, answers the list with jq over FAKE_COMMENTS
# as gh does over each page, and fails as gh does when FAKE_FAIL is set.
FAKE_GH = """\
import json, os, subprocess, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    stdin = "" if "--paginate" in args else sys.stdin.read()
    log.write(json.dumps({"args": args, "stdin": stdin}) + "\\n")
if os.environ.get("FAKE_FAIL"):
    sys.exit("HTTP 403: Resource not accessible by integration")
if "--paginate" in args:
    with open(os.environ["FAKE_COMMENTS"], encoding="utf-8") as page:
        jq = [os.environ["FAKE_JQ"], "-r", args[args.index("--jq") + 1]]
        subprocess.run(jq, stdin=page, check=True)
"""


Posted = tuple[subprocess.CompletedProcess[str], list[dict[str, Any]], str]


def _post(tmp_path: Path, comments: list[dict[str, Any]], *, fail: bool = False) -> Posted:
    """Run `diff_comment.py post` with the stand-in gh; return the result and the calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f"#!{sys.executable}\n{FAKE_GH}", "utf-8")
    gh.chmod(0o755)
    (tmp_path / "comments.json").write_text(json.dumps(comments), "utf-8")
    body = f"{MARKER}\n## Ændringer i aftaledokumenterne\n\n- Part tilføjet: Viborg Politi\n"
    (tmp_path / "comment.md").write_text(body, "utf-8")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_LOG": str(tmp_path / "calls.jsonl"),
        "FAKE_COMMENTS": str(tmp_path / "comments.json"),
        "FAKE_JQ": require_tool("jq"),
        **({"FAKE_FAIL": "1"} if fail else {}),
    }
    command = ["post", "comment.md", "--repo", "org/aftaler", "--pr", "7"]
    result = subprocess.run(
        [sys.executable, SCRIPT, *command], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    log = tmp_path / "calls.jsonl"
    calls = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    return result, calls, body


def test_post_updates_the_comment_in_place(tmp_path: Path) -> None:
    result, calls, body = _post(tmp_path, COMMENTS)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "updated comment 14 on pull request 7\n"
    assert [call["args"][:4] for call in calls] == [
        ["api", "--paginate", "repos/org/aftaler/issues/7/comments", "--jq"],
        ["api", "--method", "PATCH", "repos/org/aftaler/issues/comments/14"],
    ]
    assert calls[1]["args"][4:] == ["--input", "-"]
    assert json.loads(calls[1]["stdin"]) == {"body": body}


def test_post_makes_a_new_comment_when_there_is_none(tmp_path: Path) -> None:
    result, calls, body = _post(tmp_path, COMMENTS[:3])
    assert result.returncode == 0, result.stderr
    assert result.stderr == "posted a comment on pull request 7\n"
    assert calls[1]["args"] == [
        "api",
        "--method",
        "POST",
        "repos/org/aftaler/issues/7/comments",
        "--input",
        "-",
    ]
    assert json.loads(calls[1]["stdin"]) == {"body": body}


def test_post_says_what_gh_said_when_it_fails(tmp_path: Path) -> None:
    result, calls, _ = _post(tmp_path, COMMENTS, fail=True)
    assert result.returncode == 1
    assert result.stderr == (
        "gh api --paginate repos/org/aftaler/issues/7/comments failed:"
        " HTTP 403: Resource not accessible by integration\n"
    )
    assert len(calls) == 1


# --- the workflow -----------------------------------------------------------------------------


def _check_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    """Validate against the GitHub workflow schema that check-jsonschema ships (no network)."""
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema"]
    return subprocess.run(
        [*command, "vendor.github-workflows", str(path)], capture_output=True, text=True
    )


def test_the_workflow_is_a_valid_github_workflow() -> None:
    result = _check_workflow(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


BREAKAGES = {
    "a job without runs-on": ("    runs-on: ubuntu-latest\n", ""),
    "a step key misspelt": (
        "      - uses: actions/checkout@v4\n",
        "      - use: actions/checkout@v4\n",
    ),
    "an unknown event": ("  pull_request:\n", "  pull_requests:\n"),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_check_fails_on_a_broken_workflow(tmp_path: Path, breakage: str) -> None:
    good, bad = BREAKAGES[breakage]
    text = WORKFLOW.read_text("utf-8")
    assert good in text
    broken = tmp_path / "agreements.yml"
    broken.write_text(text.replace(good, bad), "utf-8")
    assert _check_workflow(broken).returncode == 1


def _run_scripts() -> dict[str, str]:
    """Each step's `run:` script by job and step, its `${{ }}` expressions made plain words,
    as actionlint does before it hands them to shellcheck."""
    workflow = YAML(typ="safe").load(WORKFLOW.read_text("utf-8"))
    scripts = {}
    for job_name, job in workflow["jobs"].items():
        for number, step in enumerate(job["steps"], 1):
            if "run" in step:
                name = f"{job_name}, step {number} ({step.get('name', '')})"
                scripts[name] = re.sub(r"\$\{\{.*?\}\}", lambda m: "_" * len(m[0]), step["run"])
    return scripts


RUN_SCRIPTS = _run_scripts()


@pytest.mark.parametrize("step", RUN_SCRIPTS)
def test_each_run_script_passes_shellcheck(step: str) -> None:
    # GitHub runs a step with `bash -e {0}`.
    shellcheck = require_tool("shellcheck")
    result = subprocess.run(
        [shellcheck, "--shell=bash", "-"], input=RUN_SCRIPTS[step], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_shellcheck_fails_on_a_broken_script() -> None:
    shellcheck = require_tool("shellcheck")
    broken = 'agreementgen diff $BASE --format markdown > "agreement-diff.md"\n'  # unquoted
    result = subprocess.run(
        [shellcheck, "--shell=bash", "-"], input=broken.encode(), capture_output=True
    )
    assert result.returncode == 1


def _script_calls() -> list[list[str]]:
    """The arguments of each call of diff_comment.py in the workflow, up to a redirection,
    with "1" for each shell variable."""
    calls = []
    for script in RUN_SCRIPTS.values():
        for words in (shlex.split(line) for line in script.replace("\\\n", " ").splitlines()):
            if words[:2] == ["python", INSTALLED_SCRIPT]:
                end = next((n for n, word in enumerate(words) if word in (">", ">>")), None)
                # A variable stands for a number or a text: "1" parses as either.
                calls.append([re.sub(r"^\$\w+$", "1", word) for word in words[2:end]])
    return calls


def test_the_workflow_calls_the_script_as_it_takes_its_arguments() -> None:
    calls = _script_calls()
    assert [call[0] for call in calls] == ["body", "body", "post"]
    for call in calls:
        diff_comment.parser().parse_args(call)  # exits with a usage error on a wrong option
    assert INSTALLED_SCRIPT in (diff_comment.__doc__ or "")
    assert INSTALLED_SCRIPT in WORKFLOW.read_text("utf-8").split("\nname:")[0]
