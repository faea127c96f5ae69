"""Checks stage: rules that look across the whole agreement (ids, references, files, pack)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from agreementgen.errors import Diagnostic, Note, Severity, suggestion
from agreementgen.language import N_, current_language, tr
from agreementgen.source.confine import Outside, confined
from agreementgen.source.load import Source
from agreementgen.source.model import (
    Agreement,
    Block,
    FigureBlock,
    FocusAreaKey,
    Insert,
    InsertBlock,
    PartyKind,
)
from agreementgen.source.names import AGREEMENT_FILE
from agreementgen.source.packs import Pack

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Context:
    """What a check needs besides the models: the files they came from and the pack.

    `sources` maps each file's path inside the agreement folder to its loaded source.
    """

    sources: Mapping[str, Source]
    pack: Pack
    folder: Path

    @property
    def source(self) -> Source:
        """The agreement's source."""
        return self.sources[AGREEMENT_FILE]

    def at(
        self,
        loc: Loc,
        code: str,
        message: str,
        *,
        hint: str = "",
        warning: bool = False,
        key: bool = False,
        file: str = AGREEMENT_FILE,
        notes: tuple[Note, ...] = (),
    ) -> Diagnostic:
        """Return a diagnostic pointing at `loc` (at its key with `key`) in `file`.

        An empty `loc` means the whole file: the diagnostic has no line.
        """
        source = self.sources[file]
        line, col = source.position(loc, key=key) if loc else (0, 0)
        severity = Severity.WARNING if warning else Severity.ERROR
        return Diagnostic(source.display, line, col, code, message, severity, hint, notes)

    def note(self, loc: Loc, message: str, *, file: str = AGREEMENT_FILE) -> Note:
        """Return a note pointing at `loc` in `file`: the other side of a disagreement."""
        source = self.sources[file]
        line, col = source.position(loc)
        return Note(source.display, line, col, message)


Check = Callable[[Agreement, Context], Iterator[Diagnostic]]

IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def run_checks(agreement: Agreement, ctx: Context) -> list[Diagnostic]:
    """Run every check and return all diagnostics."""
    return [d for check in CHECKS for d in check(agreement, ctx)]


def _duplicates(
    items: Iterable[tuple[Loc, str]], message: str, ctx: Context
) -> Iterator[Diagnostic]:
    """Say `message` (marked, with {ident}) of every id in `items` that came before."""
    seen: dict[str, Loc] = {}
    for loc, ident in items:
        if ident in seen:
            line, _ = ctx.source.position(seen[ident])
            yield ctx.at(
                loc,
                "AG130",
                tr(message).format(ident=ident),
                hint=tr("first used on line {line}").format(line=line),
            )
        else:
            seen[ident] = loc


def check_unique_ids(agreement: Agreement, ctx: Context) -> Iterator[Diagnostic]:
    """Ids are unique within their kind."""
    yield from _duplicates(
        ((("parties", i, "id"), p.id) for i, p in enumerate(agreement.parties)),
        N_("duplicate party id {ident!r}"),
        ctx,
    )
    yield from _duplicates(
        ((("departments", i, "id"), d.id) for i, d in enumerate(agreement.departments)),
        N_("duplicate department id {ident!r}"),
        ctx,
    )
    yield from _duplicates(
        ((("department_groups", i, "id"), g.id) for i, g in enumerate(agreement.department_groups)),
        N_("duplicate department group id {ident!r}"),
        ctx,
    )
    if agreement.board:
        yield from _duplicates(
            (
                (("board", "subgroups", i, "id"), g.id)
                for i, g in enumerate(agreement.board.subgroups)
            ),
            N_("duplicate subgroup id {ident!r}"),
            ctx,
        )
    criteria = agreement.sections.area.criteria
    if criteria:
        base: Loc = ("sections", "area", "criteria")
        yield from _duplicates(
            (((*base, "criteria", i, "id"), c.id) for i, c in enumerate(criteria.criteria)),
            N_("duplicate criterion id {ident!r}"),
            ctx,
        )
        yield from _duplicates(
            (((*base, "rows", i, "department"), r.department) for i, r in enumerate(criteria.rows)),
            N_("duplicate criteria row department id {ident!r}"),
            ctx,
        )


def check_references(agreement: Agreement, ctx: Context) -> Iterator[Diagnostic]:
    """A department's owner is a housing organisation, and an area is carried by another.

    That every id referred to exists is checked for every file alike (checks.dangling).
    """
    housing = [p.id for p in agreement.parties if p.kind is PartyKind.HOUSING_ORGANISATION]
    parties = [p.id for p in agreement.parties]
    for i, dep in enumerate(agreement.departments):
        if dep.owner and dep.owner not in housing and dep.owner in parties:
            yield ctx.at(
                ("departments", i, "owner"),
                "AG132",
                tr(
                    "party {party!r} owns department {department!r} but is not a housing "
                    "organisation"
                ).format(party=dep.owner, department=dep.id),
            )
    areas = agreement.sections.focus_areas
    for key in FocusAreaKey:
        area = getattr(areas, key.value)
        for j, other in enumerate(area.cross_cutting_in if area else ()):
            target = getattr(areas, other.value)
            at: Loc = ("sections", "focus_areas", key.value, "cross_cutting_in", j)
            if other is key:
                message = tr("{area} cannot be carried by itself").format(area=key.value)
                yield ctx.at(at, "AG133", message)
            elif target is None or not target.chosen:
                message = tr("{area} is carried by {other}, which is not a chosen focus area")
                yield ctx.at(at, "AG133", message.format(area=key.value, other=other.value))


def check_baselines(agreement: Agreement, ctx: Context) -> Iterator[Diagnostic]:
    """Baselines name the pack's indicators, once each."""
    indicators = ctx.pack.indicators
    seen: dict[int, int] = {}
    for i, baseline in enumerate(agreement.sections.goals.baselines):
        loc: Loc = ("sections", "goals", "baselines", i, "indicator")
        if baseline.indicator not in indicators:
            yield ctx.at(
                loc,
                "AG134",
                tr("indicator {indicator} is not in template pack {pack}").format(
                    indicator=baseline.indicator, pack=ctx.pack.id.value
                ),
                hint=tr("the pack has indicators 1-{last}").format(last=max(indicators)),
            )
        elif baseline.indicator in seen:
            yield ctx.at(
                loc,
                "AG130",
                tr("duplicate baseline for indicator {indicator}").format(
                    indicator=baseline.indicator
                ),
                hint=tr("first given as baselines[{index}]").format(index=seen[baseline.indicator]),
            )
        else:
            seen[baseline.indicator] = i
        if baseline.not_available and (baseline.area or baseline.comparison):
            yield ctx.at(
                ("sections", "goals", "baselines", i, "not_available"),
                "AG135",
                tr("a baseline has values or a reason they are not available, not both"),
            )


def _blocks(agreement: Agreement) -> Iterator[tuple[Loc, Block]]:
    sections = agreement.sections
    named = {
        "area": sections.area.body,
        "vision": sections.vision.body,
        "organisation": sections.organisation.body,
        "interplay": sections.interplay.body,
        "goals": sections.goals.body,
        "evaluation": sections.evaluation.body,
        "revision": sections.revision.body,
    }
    for name, body in named.items():
        for i, block in enumerate(body):
            yield ("sections", name, "body", i), block
    for key in FocusAreaKey:
        area = getattr(sections.focus_areas, key.value)
        for i, block in enumerate(area.problem_complex if area else ()):
            yield ("sections", "focus_areas", key.value, "problem_complex", i), block
    if agreement.board:
        for g, group in enumerate(agreement.board.subgroups):
            for i, block in enumerate(group.description):
                yield ("board", "subgroups", g, "description", i), block


def check_figures(agreement: Agreement, ctx: Context) -> Iterator[Diagnostic]:
    """Figure files exist inside the agreement folder and are PNG or JPEG images."""
    root = ctx.folder.resolve()
    for loc, block in _blocks(agreement):
        if not isinstance(block, FigureBlock) or block.figure.image is None:
            continue
        at = (*loc, "figure", "image")
        image = block.figure.image
        try:
            target = confined(root / block.figure.image, root)
        except Outside as exc:
            if exc.target is None:  # a loop of links
                # The reason follows "the file" (source.confine), in the current language.
                message = tr("image file {file!r} {reason}").format(file=image, reason=exc.reason)
                yield ctx.at(at, "AG137", message)
            else:
                message = tr("image {file!r} is outside the agreement folder").format(file=image)
                yield ctx.at(at, "AG136", message)
            continue
        if target.is_dir():
            message = tr("image file {file!r} is a folder, not a file").format(file=image)
            yield ctx.at(at, "AG137", message)
            continue
        try:
            if target.exists() and not target.is_file():
                # A named pipe or a device: opening one can wait forever.
                message = tr("image file {file!r} is not a regular file").format(file=image)
                yield ctx.at(at, "AG137", message)
                continue
            with target.open("rb") as handle:
                head = handle.read(len(IMAGE_SIGNATURES[0]))
        except FileNotFoundError:
            yield ctx.at(at, "AG137", tr("image file {file!r} not found").format(file=image))
            continue
        except OSError as exc:
            message = tr("image file {file!r} cannot be read: {reason}").format(
                file=image, reason=exc.strerror
            )
            yield ctx.at(at, "AG137", message)
            continue
        if not head.startswith(IMAGE_SIGNATURES):
            yield ctx.at(
                at,
                "AG138",
                tr("{file!r} is not a PNG or JPEG image").format(file=image),
                hint=tr("export the picture as PNG"),
            )
        elif (size := _image_size(target)) is None:
            yield ctx.at(
                at,
                "AG138",
                tr("{file!r} is a damaged PNG or JPEG image (cut short or corrupt)").format(
                    file=image
                ),
                hint=tr("export the picture as PNG again"),
            )
        elif size[0] * size[1] > MAX_PIXELS:
            yield ctx.at(
                at,
                "AG138",
                tr("{file!r} is {width} × {height} pixels; the most is {most} megapixels").format(
                    file=image,
                    width=_thousands(size[0]),
                    height=_thousands(size[1]),
                    most=MAX_PIXELS // 1_000_000,
                ),
                hint=tr(
                    "export it smaller: across an A4 page at 300 dpi a picture is 2,500 pixels"
                ),
            )


# The most pixels a picture may have. Readers unpack every pixel (4 bytes each) before they
# draw it, so the header of a small file can ask for gigabytes; a photo from a phone has 12
# megapixels, a page-wide picture at print resolution fewer.
MAX_PIXELS = 50_000_000


def _thousands(number: int) -> str:
    """Return e.g. '12,000' in English and '12.000' in Danish."""
    written = f"{number:,}"
    return written.replace(",", ".") if current_language() == "da" else written


def _image_size(path: Path) -> tuple[int, int] | None:
    """The picture's width and height in pixels as its header gives them, or None when Word's
    image reader (python-docx, as the build uses it) cannot read it."""
    from docx.image.image import Image

    try:
        image = Image.from_file(str(path))
    except Exception:  # any failure to parse untrusted bytes means the same: damaged
        return None
    return int(image.px_width), int(image.px_height)


def check_inserts(agreement: Agreement, ctx: Context) -> Iterator[Diagnostic]:
    """A generated table or list has the data it is generated from."""
    needs = {
        Insert.DEPARTMENTS: bool(agreement.departments),
        Insert.CRITERIA: agreement.sections.area.criteria is not None,
        Insert.BOARD: agreement.board is not None,
        Insert.BOARD_TASKS: bool(agreement.board and agreement.board.tasks),
        Insert.SUBGROUPS: bool(agreement.board and agreement.board.subgroups),
        Insert.ORG_CHART: True,  # drawn from the parties alone if need be; AG208 wants a board
    }
    source_of = {
        Insert.DEPARTMENTS: "departments",
        Insert.CRITERIA: "sections.area.criteria",
        Insert.BOARD: "board",
        Insert.BOARD_TASKS: "board.tasks",
        Insert.SUBGROUPS: "board.subgroups",
        Insert.ORG_CHART: "board",
    }
    for loc, block in _blocks(agreement):
        if isinstance(block, InsertBlock) and not needs[block.insert]:
            yield ctx.at(
                (*loc, "insert"),
                "AG139",
                tr("insert {insert!r} has no data").format(insert=block.insert.value),
                hint=tr("fill in {keys}").format(keys=source_of[block.insert]),
            )


def check_templates_folder(agreement: Agreement, ctx: Context) -> Iterator[Diagnostic]:
    """An agreement's own templates folder lies inside the project, exists, holds templates."""
    from agreementgen.source.templates import CHECKLIST_HTML, REPLACEABLE, project_root

    if agreement.templates is None:
        return
    at: Loc = ("templates",)
    value = agreement.templates
    root = project_root(ctx.folder)
    try:
        folder = (ctx.folder / value).resolve()
    except (OSError, RuntimeError) as exc:
        message = tr("templates folder {folder!r} cannot be read: {reason}")
        yield ctx.at(at, "AG180", message.format(folder=value, reason=exc))
        return
    if not folder.is_relative_to(root):
        yield ctx.at(
            at,
            "AG181",
            tr("templates folder {folder!r} is outside the project").format(folder=value),
            hint=tr(
                "templates may only be read from inside the project (the folder agreementgen "
                "runs in), e.g. a folder `templates` beside agreement.yaml"
            ),
        )
        return
    if not folder.is_dir():
        message = (
            N_("templates folder {folder!r} is a file, not a folder")
            if folder.exists()
            else N_("templates folder {folder!r} not found")
        )
        yield ctx.at(
            at,
            "AG180",
            tr(message).format(folder=value),
            hint=tr("the folder is relative to the agreement folder"),
        )
        return
    for path in sorted(folder.iterdir()):
        name = path.name
        try:
            outside = not path.resolve().is_relative_to(folder)
        except (OSError, RuntimeError):
            outside = True
        if outside:
            message = tr(
                "template {name!r} is a link to a file outside the templates folder"
            ).format(name=name)
            hint = tr("copy the file into the templates folder")
            yield ctx.at(at, "AG181", message, hint=hint)
        elif name == CHECKLIST_HTML:
            yield ctx.at(
                at,
                "AG189",
                tr(
                    "{name!r} in the templates folder is not used: the upload checklist keeps "
                    "agreementgen's layout"
                ).format(name=name),
                warning=True,
            )
        elif path.suffix in (".docx", ".css") and name not in REPLACEABLE:
            known = tr("templates are: {names}").format(names=", ".join(REPLACEABLE))
            hint = suggestion(name, REPLACEABLE, known)
            message = tr(
                "{name!r} in the templates folder is not a template agreementgen uses"
            ).format(name=name)
            yield ctx.at(at, "AG189", message, hint=hint, warning=True)


CHECKS: tuple[Check, ...] = (
    check_unique_ids,
    check_references,
    check_baselines,
    check_figures,
    check_inserts,
    check_templates_folder,
)
