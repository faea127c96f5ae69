"""`agreementgen serve`: the live preview shows the build's HTML and follows the YAML as saved.

The unit tests drive the web app with Starlette's TestClient and refresh the preview by hand;
one test runs the real command and watches it follow a save; one opens the preview in headless
Chromium, edits the YAML and sees the page change without reloading.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from html import escape
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from agreementgen.build import incremental
from agreementgen.build.pipeline import build_agreements
from agreementgen.checks.read import read_agreement
from agreementgen.cli import cli
from agreementgen.errors import AgreementError, Severity
from agreementgen.preview import state as preview_state
from agreementgen.preview.app import create_app
from agreementgen.preview.pages import SCRIPT_ID, event_data
from agreementgen.preview.server import listen
from agreementgen.preview.state import Preview
from agreementgen.render.html import render_html
from agreementgen.source.templates import STYLESHEET, TEMPLATE_DIR
from agreementgen.views.document_set import document_views

from .helpers import DATA, copy_agreement, load, require_tool

COMPLETE = DATA / "complete"
SENTENCE = "de samme livschancer som andre borgere i kommunen"
CHANGED = "præcis de samme livschancer som alle andre borgere i kommunen"
_SCRIPT = re.compile(rf'<script id="{SCRIPT_ID}".*?</script>\n', re.DOTALL)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_agreement(COMPLETE, tmp_path)


@pytest.fixture
def preview(folder: Path) -> Preview:
    preview = Preview(folder)
    preview.refresh()
    return preview


@pytest.fixture
def client(preview: Preview) -> TestClient:
    return TestClient(create_app(preview), base_url="http://127.0.0.1")


def _href(name: str) -> str:
    return escape(quote(name, safe=""))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def _without_script(page: str) -> str:
    stripped, count = _SCRIPT.subn("", page)
    assert count == 1
    return stripped


# -- the pages -------------------------------------------------------------------------------


def test_the_index_lists_every_document_and_its_files(folder: Path, client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    stems = [view.stem for view in document_views(load(folder)).values()]
    assert len(stems) == 7
    for stem in stems:
        assert f'<a href="{_href(stem + ".html")}">{escape(stem)}</a>' in page
        for suffix in (".docx", ".pdf"):
            assert f'href="{_href(stem + suffix)}"' in page
    for extra in ("Budget.xlsx", "Organisationsdiagram.pdf", "Organisationsdiagram.png"):
        assert f'href="{_href(extra)}"' in page
    assert f'<script id="{SCRIPT_ID}" data-page=""' in page


def test_a_document_page_is_the_builds_html_with_the_live_script(
    folder: Path, client: TestClient, tmp_path: Path
) -> None:
    views = document_views(load(folder))
    build_agreements([folder], out=tmp_path / "out", formats=("html",))
    built = tmp_path / "out" / folder.name
    for view in views.values():
        response = client.get(f"/{quote(view.stem + '.html')}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        page = response.text
        assert "/_/events" in page and "EventSource" in page
        assert _without_script(page) == render_html(view.document)
        assert _without_script(page) == (built / f"{view.stem}.html").read_text("utf-8")


def test_the_downloads_are_the_builds_files(
    folder: Path, client: TestClient, tmp_path: Path
) -> None:
    build_agreements([folder], out=tmp_path / "out", formats=("docx",))
    built = tmp_path / "out" / folder.name
    for name in ("Budget.docx", "Budget.xlsx", "Strategisk samarbejdsaftale.docx"):
        response = client.get(f"/{quote(name)}")
        assert response.status_code == 200, name
        assert response.content == (built / name).read_bytes(), name
        assert "attachment" in response.headers["content-disposition"]
    response = client.get(f"/{quote('Organisationsdiagram.png')}")
    assert response.content == (built / "Organisationsdiagram.png").read_bytes()
    pdf = client.get("/Beredskabsplan.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_a_yaml_syntax_error_shows_where_it_is_and_the_page_recovers(
    folder: Path, preview: Preview, client: TestClient
) -> None:
    agreement = folder / "agreement.yaml"
    good = agreement.read_text("utf-8")
    page = "/Strategisk%20samarbejdsaftale.html"
    before = client.get(page).text
    agreement.write_text(good.replace("  vision:\n", "  vision: [\n", 1), "utf-8")
    preview.refresh()
    # The diagnostics are exactly those the CLI prints.
    cli_output = CliRunner().invoke(cli, ["validate", str(folder)]).stderr
    _, problems = read_agreement(folder)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    assert errors and errors[0].code == "AG100" and errors[0].line > 0
    for error in errors:
        located = error.format()
        assert located in cli_output
        assert f"agreement.yaml:{error.line}:" in located
        for url in ("/", page, "/Budget.html"):
            assert escape(located) in client.get(url).text, url
    # The document stays on view below the errors, as it was.
    assert SENTENCE in client.get(page).text
    agreement.write_text(good.replace(SENTENCE, CHANGED), "utf-8")
    preview.refresh()
    after = client.get(page).text
    assert "AG100" not in after and "agreementgen-problems" not in after
    assert CHANGED in after and _without_script(after) != _without_script(before)
    assert "AG100" not in client.get("/").text


def test_an_unknown_path_is_not_found(client: TestClient) -> None:
    for path in (
        "/Nothing.html",
        "/Nothing.docx",
        "/agreement.yaml",  # a file of the agreement folder, but not a document's
        "/files/kort.png",
        "/manifest.json",
        "/_/nothing",
        "/Budget.html/x",
        "/Budget.exe",
    ):
        assert client.get(path).status_code == 404, path


def test_a_path_out_of_the_preview_is_refused(client: TestClient) -> None:
    for path in (
        "/..%2F..%2Fpyproject.toml",
        "/%2e%2e/%2e%2e/pyproject.toml",
        "/..%5C..%5Cpyproject.toml",
        "/%2Fetc%2Fpasswd",
        "//etc/passwd",
        "/..%2Fcomplete%2Fagreement.yaml",
        "/%2e%2e%2f%2e%2e%2fBudget.html",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "[project]" not in response.text and "root:" not in response.text
        assert "template_pack" not in response.text


def test_another_host_name_is_refused(preview: Preview) -> None:
    """A site that points its own name at 127.0.0.1 cannot read the preview."""
    client = TestClient(create_app(preview), base_url="http://evil.example")
    assert client.get("/").status_code == 400
    local = TestClient(create_app(preview), base_url="http://localhost:8000")
    assert local.get("/").status_code == 200


def test_only_the_documents_whose_inputs_changed_are_rendered(
    folder: Path, preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []

    def counting(document, **options):  # type: ignore[no-untyped-def]
        rendered.append(document.title)
        return render_html(document, **options)

    monkeypatch.setattr(preview_state, "render_html", counting)
    item = load(folder)
    sources = [item.source.name, *(d.name for d in item.documents)]
    reads = {source: incremental.dependencies(item, source) for source in sources}
    assert len(sources) == 7

    preview.refresh()  # nothing changed
    assert rendered == []
    for changed in ("budget.yaml", "sub-agreements/employment.yaml", "agreement.yaml"):
        rendered.clear()
        before = {doc.source: doc.html for doc in preview.snapshot.documents}
        with (folder / changed).open("a", encoding="utf-8") as file:
            file.write("# edited\n")
        after = {doc.source: doc.html for doc in preview.refresh().documents}
        expected = [source for source in sources if changed in reads[source]]
        assert len(rendered) == len(expected), changed
        unchanged = [source for source in sources if source not in expected]
        assert all(after[source] is before[source] for source in unchanged), changed
    assert len(rendered) == 7  # agreement.yaml: every document reads it
    rendered.clear()
    _edit(folder / "budget.yaml", "Boligsocial leder", "Boligsocial chef")
    snapshot = preview.refresh()
    assert len(rendered) == 1
    budget = next(doc for doc in snapshot.documents if doc.stem == "Budget")
    assert "Boligsocial chef" in budget.html


def test_an_event_changes_the_token_of_the_changed_pages_only(
    folder: Path, preview: Preview, client: TestClient
) -> None:
    hub = client.app.state.hub  # type: ignore[attr-defined]
    hub.close()  # the stream sends the latest event and ends
    with client.stream("GET", "/_/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    first = json.loads(lines[0].removeprefix("data: "))
    assert first == json.loads(event_data(preview.snapshot))
    _edit(folder / "budget.yaml", "Boligsocial leder", "Boligsocial chef")
    second = json.loads(event_data(preview.refresh()))
    changed = [name for name, token in second["pages"].items() if first["pages"][name] != token]
    assert changed == ["Budget.html"]
    assert second["index"] == first["index"]
    # Each page carries its own token, which the event names.
    page = client.get("/Budget.html").text
    assert f'data-token="{second["pages"]["Budget.html"]}"' in page


def test_a_failing_render_is_shown_and_the_preview_serves_on(
    folder: Path, preview: Preview, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(document, **options):  # type: ignore[no-untyped-def]
        if document.title == "Budget":
            raise RuntimeError("boom")
        return render_html(document, **options)

    monkeypatch.setattr(preview_state, "render_html", broken)
    _edit(folder / "budget.yaml", "Boligsocial leder", "Boligsocial chef")
    snapshot = preview.refresh()
    assert snapshot.failures and "RuntimeError('boom')" in snapshot.failures[0]
    page = client.get("/Budget.html")
    assert page.status_code == 200
    assert "internal error while rendering budget.yaml" in page.text
    assert "Boligsocial leder" in page.text  # the budget as it was
    assert "internal error" in client.get("/").text

    def broken_docx(document, **options):  # type: ignore[no-untyped-def]
        raise RuntimeError("no docx")

    monkeypatch.setattr(preview_state, "render_docx", broken_docx)
    response = client.get("/Beredskabsplan.docx")
    assert response.status_code == 500 and "no docx" in response.text
    monkeypatch.undo()
    snapshot = preview.refresh()
    assert not snapshot.failures
    assert "Boligsocial chef" in client.get("/Budget.html").text
    assert client.get("/Beredskabsplan.docx").status_code == 200


def test_the_agreements_own_templates_are_watched_and_followed(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A templates folder beside the agreement folder is watched too; a change to its
    stylesheet renders every document again, in the new style."""
    monkeypatch.chdir(tmp_path)  # the project: own templates must lie inside it
    common = tmp_path / "common-templates"
    common.mkdir()
    _edit(folder / "agreement.yaml", "area_name:", "templates: ../common-templates\narea_name:")
    preview = Preview(folder)
    snapshot = preview.refresh()
    assert not snapshot.errors, [p.format() for p in snapshot.errors]
    assert preview.watch_paths() == [folder, folder / "../common-templates"]
    client = TestClient(create_app(preview), base_url="http://127.0.0.1")
    css = (TEMPLATE_DIR / STYLESHEET).read_text("utf-8")
    (common / STYLESHEET).write_text(css + "\n.own-style-marker { color: red; }\n", "utf-8")
    snapshot = preview.refresh()
    assert not snapshot.errors, [p.format() for p in snapshot.errors]
    assert all(".own-style-marker" in doc.html for doc in snapshot.documents)
    assert ".own-style-marker" in client.get("/Budget.html").text
    # A folder outside the project is refused (AG181), and not watched.
    _edit(folder / "agreement.yaml", "templates: ../common-templates", "templates: /etc")
    assert preview.refresh().errors[0].code == "AG181"
    assert preview.watch_paths() == [folder]


def test_a_document_that_goes_away_leaves_a_page_that_says_so(
    folder: Path, preview: Preview, client: TestClient
) -> None:
    (folder / "contingency-plan.yaml").unlink()
    preview.refresh()
    response = client.get("/Beredskabsplan.html")
    assert response.status_code == 404
    assert "no document of this name" in response.text
    assert f'<script id="{SCRIPT_ID}"' in response.text  # it comes back when the file does


def test_serve_needs_one_agreement(tmp_path: Path) -> None:
    copy_agreement(COMPLETE, tmp_path / "many", "one")
    copy_agreement(COMPLETE, tmp_path / "many", "two")
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "many")])
    assert result.exit_code == 1
    assert "2 agreements" in result.stderr and "the preview shows one" in result.stderr
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "AG119" in result.stderr


def test_a_port_in_use_is_an_error() -> None:
    taken = listen(0)
    try:
        with pytest.raises(AgreementError, match=r"cannot listen on 127\.0\.0\.1"):
            listen(taken.getsockname()[1])
    finally:
        taken.close()


# -- the real server -------------------------------------------------------------------------


# The server is stopped as Ctrl-C stops it, with SIGINT, which Windows cannot send a process.
_CTRL_C = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is POSIX")


@contextlib.contextmanager
def running_server(folder: Path, cwd: Path) -> Iterator[tuple[str, list[str]]]:
    """Run `agreementgen serve FOLDER --port 0` in `cwd`; yield its URL and its stderr lines.

    On leaving, stop it with Ctrl-C (SIGINT) and check that it stopped cleanly.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "agreementgen", "serve", str(folder), "--port", "0"],
        cwd=cwd,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    assert process.stderr is not None
    stderr = process.stderr
    reader = threading.Thread(target=lambda: lines.extend(stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 20
        while not any("http://" in line for line in lines):
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.05)
        found = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines))
        assert found is not None
        yield found.group(), lines
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        reader.join(5)
    assert code == 0, "".join(lines)
    assert lines[-1] == "Stopped.\n"


@_CTRL_C
def test_serve_follows_a_save_and_stops_on_ctrl_c(folder: Path, tmp_path: Path) -> None:
    with running_server(folder, tmp_path) as (url, lines):
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "Budget.html") as response:
            assert b"Boligsocial leder" in response.read()
        with urllib.request.urlopen(url + "_/events", timeout=10) as events:
            assert events.readline() == b"retry: 1000\n"
            events.readline()
            first = json.loads(events.readline().removeprefix(b"data: "))
            _edit(folder / "budget.yaml", "Boligsocial leder", "Boligsocial chef")
            while True:  # an event for each reading: wait for the one with the new budget
                line = events.readline()
                if line.startswith(b"data: "):
                    data = json.loads(line.removeprefix(b"data: "))
                    if data["pages"]["Budget.html"] != first["pages"]["Budget.html"]:
                        break
        assert data["pages"]["Milepælsplan.html"] == first["pages"]["Milepælsplan.html"]
        with urllib.request.urlopen(url + "Budget.html") as response:
            assert b"Boligsocial chef" in response.read()
        assert any("updated Budget" in line for line in lines)
    # The server was listening on the loopback address only.
    assert "127.0.0.1" in url


# -- in a browser -------------------------------------------------------------------------------


def _chromium(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Headless Chromium through chromedriver (Debian's packages); skipped without them,
    failed in CI (CI=true)."""
    binary = require_tool("chromium")
    driver_path = require_tool("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(executable_path=driver_path))


@_CTRL_C
def test_the_page_follows_the_yaml_in_chromium_without_reloading(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    browser = _chromium(tmp_path)
    # The README's picture: AGREEMENTGEN_SCREENSHOT=docs/preview.png
    shot = os.environ.get("AGREEMENTGEN_SCREENSHOT")
    shot_path = Path(shot).resolve() if shot else None
    agreement = folder / "agreement.yaml"
    good = agreement.read_text("utf-8")
    monkeypatch.chdir(tmp_path)  # where the server runs: the diagnostics name files from there
    try:
        with running_server(folder.relative_to(tmp_path), tmp_path) as (url, _):
            browser.get(url + quote("Strategisk samarbejdsaftale.html"))
            wait = WebDriverWait(browser, 5, poll_frequency=0.02)

            def text() -> str:
                return str(browser.execute_script("return document.body.innerText"))

            assert SENTENCE in text()
            browser.execute_script("window.marker = 'not reloaded'; window.scrollTo(0, 600)")
            # A sentence changes: the page shows it without a reload, where it was scrolled to.
            started = time.perf_counter()
            agreement.write_text(good.replace(SENTENCE, CHANGED), "utf-8")
            wait.until(lambda _: CHANGED in text())
            seconds = time.perf_counter() - started
            sys.stderr.write(f"preview updated {seconds:.2f} s after the save\n")
            assert seconds < 3
            assert browser.execute_script("return window.marker") == "not reloaded"
            assert browser.execute_script("return window.agreementgenPreview.updates") >= 1
            assert abs(browser.execute_script("return window.scrollY") - 600) < 5
            assert browser.find_element("id", "agreementgen-toolbar").text.startswith("All")
            # A syntax error: its located diagnostic shows in the page.
            agreement.write_text(good.replace("  vision:\n", "  vision: [\n", 1), "utf-8")
            _, problems = read_agreement(folder.relative_to(tmp_path))
            located = next(p for p in problems if p.code == "AG100").format()
            assert located.startswith("complete/agreement.yaml:")
            wait.until(lambda _: located in text())
            panel = browser.find_element("class name", "agreementgen-problems")
            assert panel.is_displayed() and located in panel.text
            # Fixed: the document again, without the panel, still without a reload.
            agreement.write_text(good.replace(SENTENCE, CHANGED), "utf-8")
            wait.until(lambda _: not browser.find_elements("class name", "agreementgen-problems"))
            assert CHANGED in text()
            assert browser.execute_script("return window.marker") == "not reloaded"
            if shot_path is not None:
                browser.execute_script("window.scrollTo(0, 0)")
                browser.save_screenshot(str(shot_path))
    finally:
        browser.quit()
    shutil.rmtree(tmp_path / "chromium-profile", ignore_errors=True)
