"""An agreement's own templates: found first, sandboxed, their errors reported as diagnostics.

Also `agreementgen check-templates`, which reads templates without rendering them and lists
what they use that agreementgen does not give them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from click.testing import CliRunner, Result
from docx import Document as open_docx

from agreementgen.cli import cli
from agreementgen.render.templating import environment
from agreementgen.source.templates import (
    TEMPLATE_DIR,
    Templates,
    find_template,
    own_templates,
    project_root,
)

from .helpers import DATA, ROOT, copy_agreement, not_an_example, with_own_templates

AGREEMENT = "Strategisk samarbejdsaftale"
EXTRA = "Aftalen følger Landsbyggefondens skabelon fra sagen, med agreementgens felter."


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with agreements/demo, whose templates are agreements/demo/templates/."""
    with_own_templates(DATA / "demo", tmp_path, "demo")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _own(project: Path) -> Path:
    return project / "agreements" / "demo" / "templates"


def _run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def _build(*formats: str) -> Result:
    args = ["build", "agreements/demo", "--out", "output"]
    for name in formats:
        args += ["--format", name]
    return _run(*args)


def _errors(result: Result) -> list[str]:
    """The error lines of a run (no warnings, hints or summary)."""
    return [line for line in result.stderr.splitlines() if ": error AG" in line]


def _html_template(
    project: Path, edit: Callable[[str], str], name: str = "agreement.html.j2"
) -> None:
    text = (TEMPLATE_DIR / name).read_text("utf-8")
    changed = edit(text)
    assert changed != text
    (_own(project) / name).write_text(changed, "utf-8")


def _front(tag: str) -> Callable[[str], str]:
    """An edit that adds `tag` to the front page of the agreement's HTML template."""
    anchor = '<p class="label">{{ document.area_name_label }}</p>'
    return lambda text: text.replace(anchor, f"{anchor}\n    <p>{tag}</p>", 1)


def _word_template(
    project: Path, paragraphs: dict[int, str], *, name: str = "agreement.docx"
) -> Path:
    """Copy the built-in Word template with paragraphs inserted before the given numbers."""
    document = open_docx(str(TEMPLATE_DIR / name))
    originals = list(document.paragraphs)
    for number, text in sorted(paragraphs.items(), reverse=True):
        originals[number - 1].insert_paragraph_before(text)
    path = _own(project) / name
    document.save(str(path))
    return path


# -- own templates render -------------------------------------------------------------------


def test_a_word_template_with_an_extra_fixed_sentence_renders(project: Path) -> None:
    _word_template(project, {4: EXTRA})
    result = _build("docx", "html")
    assert result.exit_code == 0, result.output
    built = project / "output" / "demo"
    word = open_docx(str(built / f"{AGREEMENT}.docx"))
    texts = [p.text for p in word.paragraphs]
    assert EXTRA in texts
    assert texts[texts.index(EXTRA) - 1] == "Demo & Co <Nord> {{ area }}"  # the area name
    # The header's tag still renders, and the HTML, from the built-in template, has no sentence.
    assert "Demo & Co" in " ".join(p.text for p in word.sections[0].header.paragraphs)
    assert EXTRA not in (built / f"{AGREEMENT}.html").read_text("utf-8")
    manifest = json.loads((built / "manifest.json").read_text("utf-8"))
    templates = {entry["name"]: entry["template"] for entry in manifest["files"]}
    # The manifest names the template each file came from: the agreement's own by its path.
    assert templates[f"{AGREEMENT}.docx"] == "templates/agreement.docx"
    assert templates[f"{AGREEMENT}.html"] == "agreement.html.j2"


@pytest.mark.parametrize(
    ("name", "old", "new", "culprit"),
    [
        # The main template leaves out the sections' content, and with it LBF's fixed text.
        ("agreement.html.j2", "{{ blocks(section.blocks) }}", "", "templates/agreement.html.j2"),
        # A partial does: the main template is the built-in one, so the folder is named.
        ("_blocks.html.j2", "<p>{{ spans(b.spans) }}</p>", "<p></p>", "templates"),
    ],
)
def test_a_final_build_names_the_own_template_that_drops_the_fixed_text(
    name: str, old: str, new: str, culprit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_agreement(ROOT / "agreements" / "example", tmp_path / "agreements")
    path = not_an_example(folder) / "agreement.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("area_name:", "templates: templates\narea_name:", 1), "utf-8")
    (folder / "templates").mkdir()
    html = (TEMPLATE_DIR / name).read_text("utf-8")
    assert old in html
    (folder / "templates" / name).write_text(html.replace(old, new), "utf-8")
    monkeypatch.chdir(tmp_path)
    result = _run("build", "agreements/example", "--out", "output", "--format", "html", "--final")
    assert result.exit_code == 1
    fixed = [line for line in _errors(result) if "AG271" in line]
    assert fixed[0] == (
        f"agreements/example/{culprit}: error AG271: Strategisk samarbejdsaftale.html lacks "
        "LBF's fixed text, or has it changed: 'Bemærk, at den specifikke beskrivelse af "
        "indsatsområderne me'"
    )
    assert all(line.startswith(f"agreements/example/{culprit}: error AG271: ") for line in fixed)
    hint = "    hint: the template must keep the fixed paragraphs of lbf-2019-26@2023-11-24"
    assert result.stderr.count(hint) == len(fixed)
    assert not (tmp_path / "output").exists()


def test_docxtpl_escapes_made_by_two_values_side_by_side_stay_as_written() -> None:
    import html

    page = environment().from_string("{{ a }}{{ b }}|{{ c }}{{ d }}{{ e }}|{{ f }}")
    written = page.render(a="x{", b="_{y", c="{", d="_", e="%", f="{_% z %_}")
    # What docxtpl does to the rendered Word XML, after which an XML reader reads it.
    for escape, tag in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        written = written.replace(escape, tag)
    assert html.unescape(written) == "x{_{y|{_%|{_% z %_}"


def test_an_html_template_of_ones_own_renders_and_its_partials_come_from_the_built_in(
    project: Path,
) -> None:
    _html_template(project, _front("Egen skabelon: {{ document.parties | join(', ') }}"))
    result = _build("html")
    assert result.exit_code == 0, result.output
    page = (project / "output" / "demo" / f"{AGREEMENT}.html").read_text("utf-8")
    assert "Egen skabelon: Boligselskabet Nord, Demo Kommune, Demo Politi" in page
    assert '<table class="fixed">' in page  # _blocks.html.j2, from the built-in folder


def test_own_css_replaces_the_built_in_stylesheet(project: Path) -> None:
    (_own(project) / "agreement.css").write_text("body { color: rebeccapurple; }\n", "utf-8")
    assert _build("html").exit_code == 0
    page = (project / "output" / "demo" / f"{AGREEMENT}.html").read_text("utf-8")
    assert "rebeccapurple" in page and "@page" in page  # the footer rule is added to it


# -- the sandbox ------------------------------------------------------------------------------

REFUSED = [
    "{{ ''.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ document.__class__.__mro__ }}",
    "{{ document.templates.own.read_text() }}",
    "{{ namespace.__init__.__globals__['os'] }}",
    "{{ ''.__class__.__base__.__subclasses__() }}",
    "{{ '{0.__class__}'.format(document) }}",
    "{{ 2 ** 100000 }}",
    "{{ 'x' * 1000000000 }}",
]


@pytest.mark.parametrize("tag", REFUSED)
def test_a_template_that_reaches_for_python_internals_is_refused(project: Path, tag: str) -> None:
    _html_template(project, _front(tag))
    result = _build("html")
    assert result.exit_code == 1
    errors = _errors(result)
    assert len(errors) == 1
    assert errors[0].startswith("agreements/demo/templates/agreement.html.j2:18:1: error AG185: ")
    assert not (project / "output").exists()


def test_a_word_template_that_reaches_for_python_internals_is_refused(project: Path) -> None:
    _word_template(project, {4: "{{ title.__class__.__mro__ }}"})
    result = _build("docx")
    assert result.exit_code == 1
    assert _errors(result) == [
        "agreements/demo/templates/agreement.docx: error AG185: paragraph 4 "
        "“{{ title.__class__.__mro__ }}”: refused: access to attribute '__class__' of 'str' "
        "object is unsafe. (while rendering Strategisk samarbejdsaftale om boligsocial indsats, "
        "Demo & Co <Nord> {{ area }})"
    ]
    assert not (project / "output").exists()


def test_picture_shows_only_figures_of_the_document(project: Path) -> None:
    _html_template(
        project, _front("{{ picture(namespace(svg=None, png=None, image='/etc/passwd')) }}")
    )
    result = _build("html")
    assert result.exit_code == 1
    assert _errors(result) == [
        "agreements/demo/templates/agreement.html.j2:18:1: error AG186: template failed: "
        "TypeError: picture() shows a figure of the document (while rendering Strategisk "
        "samarbejdsaftale om boligsocial indsats, Demo & Co <Nord> {{ area }})"
    ]


def test_the_loader_serves_only_files_inside_the_template_folders(tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (tmp_path / "secret.j2").write_text("secret", "utf-8")
    (own / "link.j2").symlink_to(tmp_path / "secret.j2")
    (own / "page.j2").write_text("{% include 'page.j2' if false else 'agreement.css' %}", "utf-8")
    folders = (own, TEMPLATE_DIR)
    for name in ("../secret.j2", "/etc/passwd", "link.j2", "nothing.j2"):
        with pytest.raises(jinja2.TemplateNotFound):
            find_template(folders, name)
    assert find_template(folders, "page.j2") == (own / "page.j2").resolve()
    assert find_template(folders, "_blocks.html.j2") == TEMPLATE_DIR / "_blocks.html.j2"
    env = environment(*folders)
    assert env is environment(*folders)  # one environment per search path
    assert "{" in env.get_template("page.j2").render()  # the built-in stylesheet, included


def test_an_include_of_a_file_outside_the_folders_is_a_diagnostic(project: Path) -> None:
    _html_template(project, _front("{% include '../../agreement.yaml' %}"))
    result = _build("html")
    assert result.exit_code == 1
    assert _errors(result)[0].startswith(
        "agreements/demo/templates/agreement.html.j2:18:1: error AG187: template "
        "'../../agreement.yaml' not found"
    )


def test_the_pdf_may_read_only_the_fonts_and_data(tmp_path: Path) -> None:
    from agreementgen.fonts import font_folder
    from agreementgen.render.html import _fetcher

    fetcher = _fetcher()
    (tmp_path / "secret.css").write_text("x", "utf-8")
    for url in ((tmp_path / "secret.css").as_uri(), "file:///etc/passwd", "https://example.org/"):
        with pytest.raises(ValueError, match="may not make the PDF read"):
            fetcher.fetch(url)
    fetcher.fetch("data:text/plain,ok").close()
    font = next(font_folder().glob("*.ttf"))
    fetcher.fetch(font.as_uri()).close()


# -- template errors are diagnostics -----------------------------------------------------------


def test_a_syntax_error_names_the_template_and_the_line(project: Path) -> None:
    _html_template(project, _front("{% if document.parties %}"))
    result = _build("html")
    assert result.exit_code == 1
    assert _errors(result) == [
        "agreements/demo/templates/agreement.html.j2:54:1: error AG183: template syntax error: "
        "Unexpected end of template. Jinja was looking for the following tags: 'elif' or "
        "'else' or 'endif'. The innermost block that needs to be closed is 'if'. (while "
        "rendering Strategisk samarbejdsaftale om boligsocial indsats, Demo & Co <Nord> "
        "{{ area }})"
    ]
    assert not (project / "output").exists()


def test_a_misspelt_name_names_the_template_and_the_line(project: Path) -> None:
    _html_template(project, _front("{{ document.aera_name }}"))
    result = _build("html")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if " error AG184: " in line)
    assert lines[at : at + 2] == [
        "agreements/demo/templates/agreement.html.j2:18:1: error AG184: 'Document' has no "
        "attribute 'aera_name' (while rendering Strategisk samarbejdsaftale om boligsocial "
        "indsats, Demo & Co <Nord> {{ area }})",
        "    hint: `agreementgen check-templates` lists every name the templates use that is "
        "not given",
    ]


def test_an_error_in_a_partial_names_the_partial(project: Path) -> None:
    _html_template(
        project,
        lambda text: text.replace("<h{{ b.level }}>", "<h{{ b.levle }}>"),
        name="_blocks.html.j2",
    )
    lines = (_own(project) / "_blocks.html.j2").read_text("utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "b.levle" in text)
    result = _build("html")
    assert result.exit_code == 1
    assert _errors(result)[0].startswith(
        f"agreements/demo/templates/_blocks.html.j2:{line}:1: error AG184: 'Heading' has no "
        "attribute 'levle'"
    )


def test_a_word_syntax_error_names_the_paragraph(project: Path) -> None:
    _word_template(project, {4: "Parterne: {% for p in parties %}{{ p }}{% endfor"})
    result = _build("docx")
    assert result.exit_code == 1
    assert _errors(result) == [
        "agreements/demo/templates/agreement.docx: error AG183: paragraph 4 “Parterne: {% for "
        "p in parties %}{{ p }}{% endfor”: '{%' is not closed in its paragraph"
    ]


def test_a_word_runtime_error_names_the_paragraph(project: Path) -> None:
    _word_template(project, {4: EXTRA, 6: "Området: {{ aera_name }}"})
    result = _build("docx")
    assert result.exit_code == 1
    assert _errors(result) == [
        "agreements/demo/templates/agreement.docx: error AG184: paragraph 7 “Området: "
        "{{ aera_name }}”: 'aera_name' is undefined (while rendering Strategisk "
        "samarbejdsaftale om boligsocial indsats, Demo & Co <Nord> {{ area }})"
    ]


def test_an_error_in_the_word_header_says_header(project: Path) -> None:
    path = _word_template(project, {})
    document = open_docx(str(path))
    document.sections[0].header.paragraphs[0].text = "{{ area_name | nofilter }}"
    document.save(str(path))
    result = _build("docx")
    assert result.exit_code == 1
    [error] = _errors(result)
    assert error.startswith(
        "agreements/demo/templates/agreement.docx: error AG183: header, paragraph 1 "
        "“{{ area_name | nofilter }}”: template syntax error: No filter named 'nofilter'."
    )


def test_a_tag_in_the_document_properties_is_checked_and_reported(project: Path) -> None:
    path = _word_template(project, {})
    document = open_docx(str(path))
    document.core_properties.comments = "{{ nope }}"
    document.save(str(path))
    assert _errors(_run("check-templates", "agreements/demo")) == [
        "agreements/demo/templates/agreement.docx: error AG188: document property 'comments': "
        "unknown variable 'nope'"
    ]
    assert _errors(_build("docx")) == [
        "agreements/demo/templates/agreement.docx: error AG184: document property 'comments': "
        "'nope' is undefined (while rendering Strategisk samarbejdsaftale om boligsocial "
        "indsats, Demo & Co <Nord> {{ area }})"
    ]


def test_a_word_template_without_the_content_styles_is_a_diagnostic(project: Path) -> None:
    document = open_docx()
    document.add_paragraph("{{ title }}")
    document.save(str(_own(project) / "agreement.docx"))
    result = _build("docx")
    assert result.exit_code == 1
    [error] = _errors(result)
    assert error.startswith("agreements/demo/templates/agreement.docx: error AG190: the Word ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not a zip", "agreement.docx cannot be read as a Word document: it is not a .docx file"),
        (b"PK\x03\x04broken", "agreement.docx cannot be read as a Word document: it is not a"),
    ],
)
def test_a_file_that_is_not_a_word_document_is_a_diagnostic(
    project: Path, content: bytes, expected: str
) -> None:
    (_own(project) / "agreement.docx").write_bytes(content)
    result = _build("docx")
    assert result.exit_code == 1
    assert _errors(result)[0].startswith(
        f"agreements/demo/templates/agreement.docx: error AG182: {expected}"
    )


def test_a_template_that_is_not_utf8_is_a_diagnostic(project: Path) -> None:
    (_own(project) / "agreement.html.j2").write_bytes("<p>Områdets navn</p>".encode("latin-1"))
    result = _build("html")
    assert result.exit_code == 1
    assert _errors(result) == [
        "agreements/demo/templates/agreement.html.j2: error AG182: agreement.html.j2 is not "
        "UTF-8 text (byte 0xe5) (while rendering Strategisk samarbejdsaftale om boligsocial "
        "indsats, Demo & Co <Nord> {{ area }})"
    ]


def test_a_failed_template_leaves_the_previous_output(project: Path) -> None:
    assert _build("html").exit_code == 0
    before = {p.name: p.read_bytes() for p in (project / "output" / "demo").iterdir()}
    _html_template(project, _front("{{ nothing }}"))
    assert _build("html").exit_code == 1
    after = {p.name: p.read_bytes() for p in (project / "output" / "demo").iterdir()}
    assert after == before
    assert sorted(p.name for p in (project / "output").iterdir()) == ["demo"]


# -- where templates may come from --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("../../..", "error AG181: templates folder '../../..' is outside the project"),
        ("/etc", "error AG181: templates folder '/etc' is outside the project"),
        ("skabeloner", "error AG180: templates folder 'skabeloner' not found"),
    ],
)
def test_a_templates_folder_outside_the_project_or_missing_is_refused(
    project: Path, value: str, message: str
) -> None:
    path = project / "agreements" / "demo" / "agreement.yaml"
    text = path.read_text("utf-8").replace("templates: templates", f"templates: {value}")
    path.write_text(text, "utf-8")
    for command in ("validate", "build"):
        result = _run(command, "agreements/demo")
        assert result.exit_code == 1
        assert _errors(result) == [f"agreements/demo/agreement.yaml:4:12: {message}"]
    assert not (project / "output").exists()


def test_a_link_out_of_the_project_is_refused(project: Path, tmp_path_factory: Any) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "agreement.html.j2").write_text("stolen", "utf-8")
    shutil.rmtree(_own(project))
    _own(project).symlink_to(outside)
    result = _run("build", "agreements/demo", "--format", "html")
    assert _errors(result) == [
        "agreements/demo/agreement.yaml:4:12: error AG181: templates folder 'templates' is "
        "outside the project"
    ]


def test_files_the_templates_folder_should_not_hold_are_warned_about(project: Path) -> None:
    (_own(project) / "agreement.dotx").write_bytes(b"")
    (_own(project) / "agreemnt.docx").write_bytes(b"")
    (_own(project) / "checklist.html.j2").write_text("", "utf-8")
    result = _run("validate", "agreements/demo")
    lines = [line for line in result.stderr.splitlines() if "AG189" in line]
    assert lines == [
        "agreements/demo/agreement.yaml:4:12: warning AG189: 'agreemnt.docx' in the templates "
        "folder is not a template agreementgen uses",
        "agreements/demo/agreement.yaml:4:12: warning AG189: 'checklist.html.j2' in the "
        "templates folder is not used: the upload checklist keeps agreementgen's layout",
    ]


def test_the_project_is_the_working_directory_or_else_the_agreement_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = tmp_path / "agreements" / "x"
    inside.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert project_root(inside) == tmp_path.resolve()
    monkeypatch.chdir(inside)
    assert project_root(tmp_path / "agreements") == (tmp_path / "agreements").resolve()


def test_documents_with_other_templates_are_the_same_content(project: Path) -> None:
    from dataclasses import replace

    from .helpers import document

    built_in = document(DATA / "demo")
    own = replace(built_in, templates=own_templates(project, "elsewhere"))
    assert own == built_in
    assert own.templates == Templates(own=(project / "elsewhere").resolve())


# -- check-templates ------------------------------------------------------------------------------


def test_check_templates_finds_a_misspelt_attribute(project: Path) -> None:
    _html_template(project, _front("{{ document.aera_name }}"))
    result = _run("check-templates", "agreements/demo")
    assert result.exit_code == 1
    assert result.stderr == (
        "agreements/demo/templates/agreement.html.j2:18:1: error AG188: 'document.aera_name': "
        "Document has no attribute 'aera_name'\n"
        "    hint: did you mean 'area_name'?\n"
        "Aborted with 1 error.\n"
    )


def test_check_templates_follows_loops_macros_and_imports(project: Path) -> None:
    _html_template(
        project,
        lambda text: text.replace("{{ section.heading }}", "{{ section.headline }}").replace(
            "{{ s.party }}", "{{ s.partner }}{{ unknown_name }}{{ loop.index }}{{ range(3) }}"
        ),
    )
    _html_template(
        project,
        lambda text: (
            text.replace("{{ b.caption }}</figcaption>", "{{ b.captoin }}</figcaption>")
            .replace("{%- if s.bold %}", "{%- if s.bolt %}")
            .replace("{{ t.caption }}", "{{ t.__class__ }}")
        ),
        name="_blocks.html.j2",
    )
    result = _run("check-templates", "agreements/demo")
    assert result.exit_code == 1
    assert _errors(result) == [
        "agreements/demo/templates/_blocks.html.j2:19:1: error AG188: 's.bolt': Span | str has no "
        "attribute 'bolt'",
        "agreements/demo/templates/_blocks.html.j2:57:1: error AG185: 't.__class__' is not "
        "available to templates",
        "agreements/demo/templates/_blocks.html.j2:133:1: error AG188: 'b.captoin': DataTable "
        "| FigureView | Heading | ListBlock | MdTable | Paragraph | Quote has no attribute "
        "'captoin'",
        "agreements/demo/templates/agreement.html.j2:32:1: error AG188: 's.partner': Signature "
        "has no attribute 'partner'",
        "agreements/demo/templates/agreement.html.j2:32:1: error AG188: unknown variable "
        "'unknown_name'",
        "agreements/demo/templates/agreement.html.j2:49:1: error AG188: 'section.headline': "
        "SectionView has no attribute 'headline'",
    ]


def test_check_templates_reads_word_templates(project: Path) -> None:
    path = _word_template(project, {4: EXTRA, 6: "{{ aera_name }} {{ sections[0].headng }}"})
    document = open_docx(str(path))
    document.sections[0].header.paragraphs[0].text = "{{ document.area_name }}"
    document.save(str(path))
    result = _run("check-templates", "agreements/demo")
    assert result.exit_code == 1
    assert _errors(result) == [
        "agreements/demo/templates/agreement.docx: error AG188: header, paragraph 1 "
        "“{{ document.area_name }}”: unknown variable 'document'",
        "agreements/demo/templates/agreement.docx: error AG188: paragraph 7 “{{ aera_name }} "
        "{{ sections[0].headng }}”: 'sections[0].headng': WordSection has no attribute "
        "'headng'",
        "agreements/demo/templates/agreement.docx: error AG188: paragraph 7 “{{ aera_name }} "
        "{{ sections[0].headng }}”: unknown variable 'aera_name'",
    ]


def test_check_templates_refuses_a_nested_link_out_and_survives_a_link_loop(
    project: Path,
) -> None:
    (_own(project) / "parts").mkdir()
    (_own(project) / "parts" / "secret.j2").symlink_to("/etc/passwd")
    (_own(project) / "parts" / "loop").symlink_to("..")
    result = _run("check-templates", "agreements/demo")
    assert result.exit_code == 1
    assert _errors(result) == [
        "agreements/demo/templates/parts/secret.j2: error AG181: template 'parts/secret.j2' "
        "is a link to a file outside its templates folder"
    ]


def test_check_templates_passes_the_built_in_templates() -> None:
    result = _run("check-templates", str(ROOT / "agreements" / "example"))
    assert result.exit_code == 0, result.output
    assert result.stderr == "OK: 6 templates checked\n"


def test_check_templates_reports_a_word_template_without_styles(project: Path) -> None:
    document = open_docx()
    document.add_paragraph("{{ title }}")
    document.save(str(_own(project) / "document.docx"))
    result = _run("check-templates", "agreements/demo")
    assert result.exit_code == 1
    errors = _errors(result)
    assert "the Word template has no table style 'Agreement Table'" in " ".join(errors)
    assert all(" AG190: " in line for line in errors)


def test_the_declared_contexts_are_what_the_renderers_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    from agreementgen.render import context
    from agreementgen.render import html as render_html
    from agreementgen.render import word as render_docx
    from agreementgen.source.templates import AGREEMENT_HTML, DOCUMENT_HTML
    from agreementgen.views.document import SimpleDocument

    from .helpers import document

    agreement = document(DATA / "demo")
    simple = SimpleDocument("Titel", "Område", (), (), "Side {page} af {pages}")
    given: list[set[str]] = []
    real = jinja2.Template.render

    def spy(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        given.append(set(kwargs) or set(args[0]))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", spy)
    render_html.render_html(agreement)
    render_html.render_html(simple)
    assert given[0] == set(context.CONTEXTS[AGREEMENT_HTML])
    assert given[1] == set(context.CONTEXTS[DOCUMENT_HTML])
    writer = render_docx._Writer(open_docx(str(TEMPLATE_DIR / "agreement.docx")), [])
    words = render_docx._agreement_context(agreement, writer)
    assert set(words) == set(context.AgreementWord.__annotations__)
    assert set(words["sections"][0]) == set(context.WordSection.__annotations__)
    words = render_docx._simple_context(simple, writer)
    assert set(words) == set(context.SimpleWord.__annotations__)


def test_a_word_template_is_compiled_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from agreementgen.render.word import render_docx
    from agreementgen.views.document import build_document

    from .helpers import load

    document = build_document(load(DATA / "demo"))
    first = render_docx(document)  # compiles whatever an earlier test did not
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(source)[:60])
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    assert render_docx(document) == first
    assert compiled == []


def test_a_word_template_may_show_a_sections_content_twice_and_ask_whether_it_has_any(
    project: Path,
) -> None:
    # A section's content takes its tag's place after docxtpl has rendered the template
    # (render/word.py's _Template): each use of it gets it, and it is there for a test.
    _word_template(
        project,
        {
            4: "{{p sections[0].body }}",
            5: "{% if sections[0].body %}Afsnit 1 har indhold{% endif %}",
        },
    )
    result = _build("docx")
    assert result.exit_code == 0, result.output
    word = open_docx(str(project / "output" / "demo" / f"{AGREEMENT}.docx"))
    texts = [p.text for p in word.paragraphs]
    opening = "Helhedsplanen omfatter 1.102\xa0lejemål i tre afdelinger. Se LBF"
    assert [t for t in texts if t.startswith(opening)] == [
        f"{opening} & <b>ikke HTML</b> {{{{ 7*7 }}}} {{% if x %}}."
    ] * 2
    assert texts.index("Afsnit 1 har indhold") < texts.index("1. Kort om boligområdet")
    assert not [t for t in texts if "agreementgen content" in t]
