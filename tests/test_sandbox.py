"""The template sandbox's bounds, and the PDF's refused resources.

A template of one's own may not make a value, a number or a page too large, nor take too long
or too much memory to render: each ends the build with a located AG185 diagnostic and leaves
the previous output as it was. A resource on disk or on the network that a page asks the PDF
to read is left out, with a warning (AG191).
"""

from __future__ import annotations

import functools
import signal
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document as open_docx
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from agreementgen.cli import cli
from agreementgen.errors import InputError
from agreementgen.render import bounds, watchdog
from agreementgen.render.bounds import size_of
from agreementgen.render.html import render_html
from agreementgen.render.templating import environment
from agreementgen.render.watchdog import watched_render
from agreementgen.source.templates import TEMPLATE_DIR, Templates
from agreementgen.views.document import Document

from .helpers import DATA, document, examples, fuzzing, with_own_templates

PAGE = "agreements/demo/templates/agreement.html.j2"
WORD = "agreements/demo/templates/agreement.docx"
RENDERING = (
    "(while rendering Strategisk samarbejdsaftale om boligsocial indsats, Demo & Co <Nord> "
    "{{ area }})"
)
BOUND_HINT = (
    "    hint: templates run in a sandbox that bounds the size of what they make, and the time "
    "and memory a render takes"
)
REFUSED_HINT = (
    "    hint: a PDF reads only data: URIs and its fonts: put a picture or style in the page as "
    "a data: URI"
)
LOOPS = "{% for i in range(100000) %}{% for j in range(100000) %}BODY{% endfor %}{% endfor %}"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with agreements/demo, whose templates are agreements/demo/templates/."""
    return _project(tmp_path, monkeypatch, DATA / "demo", "demo")


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path, name: str) -> Path:
    with_own_templates(source, tmp_path, name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _build(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["build", "--out", "output", *args])
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def _page(project: Path, tag: str, folder: str = "demo") -> None:
    """Give the agreement its own HTML template: the built-in one, `tag` on line 18."""
    text = (TEMPLATE_DIR / "agreement.html.j2").read_text("utf-8")
    anchor = '<p class="label">{{ document.area_name_label }}</p>'
    own = text.replace(anchor, f"{anchor}\n    <p>{tag}</p>", 1)
    (project / "agreements" / folder / "templates" / "agreement.html.j2").write_text(own, "utf-8")


def _word(project: Path, text: str) -> None:
    """Give the agreement its own Word template: the built-in one, `text` as paragraph 4."""
    word = open_docx(str(TEMPLATE_DIR / "agreement.docx"))
    word.paragraphs[3].insert_paragraph_before(text)
    word.save(str(project / WORD))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _refused(project: Path, give: str, expected: list[str], *formats: str) -> None:
    """Build once, give the agreement a template that goes over a bound, build again: the
    second build ends with `expected` (the error and its hint) and leaves the first's output."""
    options = [f"--format={name}" for name in formats or ("html",)]
    assert _build("agreements/demo", *options).exit_code == 0
    before = _snapshot(project / "output" / "demo")
    if formats == ("docx",):
        _word(project, give)
    else:
        _page(project, give)
    started = time.monotonic()
    result = _build("agreements/demo", *options)
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    at = lines.index("Summary by file:")
    assert lines[at - 2 : at] == expected
    assert lines[-2:-1] == ["Not built: agreements/demo"]
    assert lines[-1].startswith("Aborted with 1 error, ")
    assert [line for line in lines if ": error " in line] == expected[:1]
    assert _snapshot(project / "output" / "demo") == before


def _error(message: str) -> list[str]:
    return [f"{PAGE}:18:1: error AG185: refused: {message} {RENDERING}", BOUND_HINT]


# -- sizes ------------------------------------------------------------------------------------


def test_a_repeat_of_a_repeat_is_refused(project: Path) -> None:
    _refused(
        project,
        "{{ ('x' * 100000) * 100000 }}",
        _error(
            "repeating it 100,000 times would make 10,000,000,000 characters or items; the most "
            "is 50,000,000"
        ),
    )


def test_a_power_of_a_power_is_refused(project: Path) -> None:
    _refused(
        project,
        "{{ (10 ** 1000) ** 1000 }}",
        _error("the power would have about 3,322,000 bits; the most is 14,000"),
    )


def test_a_number_grown_in_a_loop_is_refused(project: Path) -> None:
    _refused(
        project,
        "{% set n = namespace(v=3) %}{% for i in range(99) %}{% set n.v = n.v * n.v %}{% endfor %}",
        _error("the product would have about 25,970 bits; the most is 14,000"),
    )


GROWN = "characters or items; the most is 50,000,000"
FILTERS = [
    (
        "{{ 'x'|center(100000000000) }}",
        f"the filter 'center' would make 100,000,000,001 {GROWN}",
    ),
    (
        "{{ ('x\\n' * 100000)|indent(100000) }}",
        f"the filter 'indent' would make 10,000,300,000 {GROWN}",
    ),
    (
        "{{ ('x' * 100000)|replace('x', 'y' * 100000) }}",
        f"the filter 'replace' would make 10,000,100,000 {GROWN}",
    ),
    (
        "{{ '%100000000000d'|format(1) }}",
        f"the filter 'format' would make 100,000,000,015 {GROWN}",
    ),
    (
        "{{ (['x'] * 100000)|join('y' * 100000) }}",
        f"the filter 'join' would make 10,000,100,000 {GROWN}",
    ),
    (
        "{{ [1]|batch(100000000000, 0)|list }}",
        f"the filter 'batch' would make 100,000,000,000 {GROWN}",
    ),
    (
        "{{ ('x' * 100000).replace('x', 'y' * 100000) }}",
        f"replace() would make 10,000,100,000 {GROWN}",
    ),
    ("{{ 'x'.ljust(100000000000) }}", f"ljust() would make 100,000,000,000 {GROWN}"),
    ("{{ '{:>100000000000}'.format(1) }}", f"the format would make 100,000,000,001 {GROWN}"),
    (
        "{{ '%*d' % (100000000000, 1) }}",
        f"formatting with '%' would make 100,000,000,004 {GROWN}",
    ),
    # A list that holds a list ten times is written out ten times as long.
    (
        "{% set a = ['x' * 100000] * 100 %}{% set b = [a, a, a, a, a, a, a, a, a, a] %}"
        "{{ b ~ '' }}",
        f"joining these with '~' would make 100,000,000 {GROWN}",
    ),
    (
        "{% set a = ['x' * 100000] * 100 %}{{ [a, a, a, a, a, a, a, a, a, a] }}",
        f"writing this value would make 100,000,000 {GROWN}",
    ),
]


@pytest.mark.parametrize(("tag", "message"), FILTERS)
def test_a_text_grown_by_a_filter_or_a_method_is_refused(
    project: Path, tag: str, message: str
) -> None:
    _refused(project, tag, _error(message))


def test_a_page_that_grows_too_long_is_refused_at_its_line(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bounds, "MAX_LENGTH", 1_000_000)
    _refused(
        project,
        "{% set x = 'x' * 1000 %}{% for i in range(100000) %}{{ x }}{% endfor %}",
        _error("the template writes more than 1,000,000 characters"),
    )


def test_a_range_too_long_is_refused(project: Path) -> None:
    _refused(
        project,
        "{% for i in range(100001) %}{% endfor %}",
        _error("a range of more than 100,000 numbers is too long"),
    )


def test_a_word_template_that_grows_a_text_is_refused(project: Path) -> None:
    tag = "{{ ('x' * 100000) * 100000 }}"
    _refused(
        project,
        tag,
        [
            f"{WORD}: error AG185: paragraph 4 “{tag}”: refused: repeating it 100,000 times "
            f"would make 10,000,000,000 {GROWN} {RENDERING}",
            BOUND_HINT,
        ],
        "docx",
    )


# -- time and memory ----------------------------------------------------------------------------


def test_nested_loops_end_when_the_render_takes_too_long(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watchdog, "RENDER_SECONDS", 0.2)
    _refused(project, LOOPS.replace("BODY", ""), _error("rendering took longer than 0.2 seconds"))


def test_nested_loops_end_when_the_render_takes_too_much_memory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watchdog, "RENDER_MEMORY", 16 << 20)
    _refused(
        project, LOOPS.replace("BODY", "x"), _error("rendering took more than 16 MiB of memory")
    )


def test_nested_loops_in_a_word_template_end_too(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watchdog, "RENDER_SECONDS", 0.2)
    tag = LOOPS.replace("BODY", "")
    _refused(
        project,
        tag,
        [
            f"{WORD}: error AG185: paragraph 4 “{tag[:69]}…”: refused: rendering took longer "
            f"than 0.2 seconds {RENDERING}",
            BOUND_HINT,
        ],
        "docx",
    )


def test_the_watchdog_gives_back_the_handler_and_the_timer_it_found() -> None:
    fired: list[int] = []

    def mine(signum: int, _frame: object) -> None:
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with watched_render():
            assert environment().from_string("{{ 'x' * 3 }}").render() == "xxx"
        assert signal.getsignal(signal.SIGALRM) is mine
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.2
        time.sleep(0.3)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_watchdog_leaves_other_threads_alone() -> None:
    rendered: list[str] = []

    def render() -> None:
        with watched_render():
            rendered.append(environment().from_string("{{ 2 ** 10 }}").render())

    thread = threading.Thread(target=render)
    thread.start()
    thread.join()
    assert rendered == ["1024"]


def test_size_counts_a_shared_list_wherever_it_appears() -> None:
    inner = ["xy"] * 5
    assert size_of(inner) == 10
    assert size_of([inner, inner, "abc"]) == 23
    assert size_of({"a": inner, "b": ""}) == 13  # keys count, and an empty text counts 1


# -- no false alarms ------------------------------------------------------------------------------


def test_an_own_template_within_the_bounds_renders(project: Path) -> None:
    tag = (
        "{{ document.parties|join(', ') }}|{{ '-' * 10 }}|{{ 2 ** 10 }}|{{ '%05d'|format(42) }}"
        "|{{ '{:>4}'.format('ab') }}|{{ 'ab'|center(6) }}|{{ ('a' ~ 1 ~ [2]) }}|"
        "{% for i in range(300) %}{% for j in range(300) %}{% endfor %}{% endfor %}"
        "{{ range(3)|list|sum }}|{{ ('x' * 1000)|replace('x', 'yz')|length }}"
    )
    _page(project, tag)
    result = _build("agreements/demo", "--format=html", "--format=pdf")
    assert result.exit_code == 0, result.output
    assert " AG185" not in result.stderr and " AG191" not in result.stderr
    page = (project / "output" / "demo" / "Strategisk samarbejdsaftale.html").read_text("utf-8")
    assert (
        "<p>Boligselskabet Nord, Demo Kommune, Demo Politi|----------|1024|00042|  ab|  ab  "
        "|a1[2]|3|2000</p>"
    ) in page


# -- resources the PDF may not read ---------------------------------------------------------------


def test_a_resource_on_disk_or_the_network_is_left_out_with_a_warning(project: Path) -> None:
    _page(
        project,
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="https://example.org/x.css">'
        '<img src="file:///etc/passwd">',
    )
    result = _build("agreements/demo", "--format=pdf")
    assert result.exit_code == 0, result.output
    refused = [line for line in result.stderr.splitlines() if "AG191" in line]
    assert refused == [
        f"{PAGE}: warning AG191: the PDF may not read file:///etc/passwd; it is left out",
        f"{PAGE}: warning AG191: the PDF may not read https://example.org/x.css; it is left out",
    ]
    assert result.stderr.count(REFUSED_HINT) == 2
    built = project / "output" / "demo"
    assert (built / "Strategisk samarbejdsaftale.pdf").read_bytes().startswith(b"%PDF-")
    assert "AG191" in (built / "manifest.json").read_text("utf-8")
    # Unchanged, the agreement is not built again, and the warnings are told again; so they
    # are when the PDF is kept and only the HTML made.
    pdf = (built / "Strategisk samarbejdsaftale.pdf").read_bytes()
    again = _build("agreements/demo", "--format=pdf")
    assert [line for line in again.stderr.splitlines() if "AG191" in line] == refused
    assert again.stderr.endswith("Unchanged output/demo\n")
    more = _build("agreements/demo", "--format=pdf", "--format=html")
    assert [line for line in more.stderr.splitlines() if "AG191" in line] == refused
    assert more.stderr.endswith("Built output/demo\n")
    assert (built / "Strategisk samarbejdsaftale.pdf").read_bytes() == pdf


def test_a_refused_resource_fails_a_strict_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path, monkeypatch, DATA / "complete", "complete")
    assert _build("agreements/complete", "--strict", "--format=html").exit_code == 0
    before = _snapshot(project / "output" / "complete")
    _page(project, '<img src="file:///etc/passwd">', folder="complete")
    result = _build("agreements/complete", "--strict", "--format=html", "--format=pdf")
    assert result.exit_code == 1
    assert result.stderr == (
        "agreements/complete/templates/agreement.html.j2: warning AG191: the PDF may not read "
        f"file:///etc/passwd; it is left out\n{REFUSED_HINT}\n"
        "Not built: agreements/complete\n"
        "Aborted with 0 errors, 1 warning.\n"
    )
    assert _snapshot(project / "output" / "complete") == before


# -- property: any nesting ends as a page or as AG185 ----------------------------------------------

# Well-typed expressions, nested up to DEPTH deep: numbers, texts and lists, made by
# operators, filters, methods and range.
DEPTH = 4
NUMBERS = ["0", "1", "3", "1000", "100000", "(10 ** 1000)"]
TEXTS = ["'x'", "'ab'", "'x\\n'", "''"]


@functools.cache
def _numbers(depth: int) -> st.SearchStrategy[str]:
    if not depth:
        return st.sampled_from(NUMBERS)
    number, text = _numbers(depth - 1), _texts(depth - 1)
    return st.one_of(
        number,
        st.builds("({} {} {})".format, number, st.sampled_from(["*", "**", "+"]), number),
        st.builds("({}|length)".format, text),
    )


@functools.cache
def _texts(depth: int) -> st.SearchStrategy[str]:
    if not depth:
        return st.sampled_from(TEXTS)
    number, text, items = _numbers(depth - 1), _texts(depth - 1), _lists(depth - 1)
    return st.one_of(
        text,
        st.builds("({} {} {})".format, text, st.sampled_from(["~", "+"]), text),
        st.builds("({} * {})".format, text, number),
        st.builds("({} ~ {})".format, text, number),
        st.builds("({} ~ {})".format, text, items),
        st.builds("({}|{}({}))".format, text, st.sampled_from(["center", "indent"]), number),
        st.builds("{}.center({})".format, text, number),
        st.builds("({}|replace('x', {}))".format, text, text),
        st.builds("({}|join({}))".format, items, text),
        st.builds("('%s'|format({}))".format, text),
        st.builds("'{{:>{{}}}}'.format({}, {})".format, text, number),
    )


@functools.cache
def _lists(depth: int) -> st.SearchStrategy[str]:
    text = _texts(depth)
    if not depth:
        return st.builds("[{}, {}]".format, text, text)
    number, items = _numbers(depth - 1), _lists(depth - 1)
    return st.one_of(
        items,
        st.builds("({} * {})".format, items, number),
        st.builds("({} + {})".format, items, items),
        st.builds("(range({})|list)".format, number),
    )


TEMPLATES = st.one_of(
    st.builds("{{{{ {} }}}}".format, _texts(DEPTH)),
    st.builds("{{{{ {} }}}}".format, _numbers(DEPTH)),
    st.builds(
        "{{% for i in range({}) %}}{{% for j in range({}) %}}{{{{ {} }}}}{{% endfor %}}"
        "{{% endfor %}}".format,
        _numbers(2),
        _numbers(2),
        _texts(DEPTH - 1),
    ),
)


@pytest.fixture(scope="module")
def demo() -> Document:
    return document(DATA / "demo")


@settings(
    max_examples=examples(100),
    deadline=None,
    derandomize=not fuzzing(),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(source=TEMPLATES)
# The watchdog's signal can come while Hypothesis's garbage collector callback runs, which
# swallows (and reports) the error; the watchdog raises it again in the render.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_any_nesting_renders_or_is_refused_in_bounded_time(
    source: str, demo: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bounds, "MAX_LENGTH", 1_000_000)
    monkeypatch.setattr(watchdog, "RENDER_SECONDS", 0.3)
    monkeypatch.setattr(watchdog, "RENDER_MEMORY", 128 << 20)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "agreement.html.j2").write_text(source, "utf-8")
        own = replace(demo, templates=Templates(own=Path(folder).resolve()))
        started = time.monotonic()
        try:
            render_html(own)
            event("rendered")
        except InputError as exc:
            assert [d.code for d in exc.diagnostics] == ["AG185"], exc.diagnostics
            event(f"refused: {exc.diagnostics[0].message.split(' would')[0][:40]}")
        assert time.monotonic() - started < 3
