"""Redline: a document of the new revision with every change from the old one tracked in Word.

Both revisions are rendered by the ordinary renderer; the two Word files are then compared,
block by block (paragraphs and tables, aligned by content as difflib aligns lines) and within
a changed paragraph word by word. The result is the new file in which each difference is a
real tracked change: `w:ins` and `w:del` runs, inserted and deleted paragraph marks and table
rows, changed paragraph properties as `w:pPrChange`. Accepting every change gives the new
revision's text and rejecting every change the old one's. A document only one revision has
is all inserted, or (rendered from the old revision) all deleted.

Pictures are compared by their content, not their relationship ids: a changed picture (the
timeline, the organisation diagram) is its old paragraph deleted, the old image carried into
the package, and the new one inserted.

A moved paragraph, list item or table row is a deletion and an insertion, not a
`w:moveFrom`/`w:moveTo` pair: whole deleted and inserted paragraphs and rows are what
LibreOffice 7.4 was checked to resolve right (Accept All and Reject All give every paragraph
its style, list and text), and what Word writes itself for a deleted paragraph. Two
paragraphs are compared word by word only if they have the same style and list level (else:
deleted and inserted), so no paragraph's style or numbering depends on a w:pPrChange being
rejected. A paragraph mark is deleted (or inserted) only with all of its paragraph, which
then, accepted (rejected), joins the next paragraph empty and leaves it its style; where no
paragraph follows, the mark moves up (see `_settle_marks`).
"""

from __future__ import annotations

import copy
import datetime
import difflib
import hashlib
import io
import itertools
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from agreementgen.errors import Diagnostic, InputError, Severity
from agreementgen.files import destination_problems, docx_file, output_errors, write_atomic
from agreementgen.language import tr
from agreementgen.processes import cpus, fork_map
from agreementgen.review.diff import align
from agreementgen.review.revisions import (
    WORKTREE_LABEL,
    Repository,
    Revision,
    read_agreement_at,
)
from agreementgen.source.names import AGREEMENT_FILE

if TYPE_CHECKING:
    from agreementgen.views.document import View

DEFAULT_AUTHOR = "agreementgen"
SUFFIX = " (ændringer)"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RT_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_RT_STORIES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer",
)


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


P, TBL, TR, TC, R, T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
PPR, RPR, TRPR, TCPR, SECTPR = _w("pPr"), _w("rPr"), _w("trPr"), _w("tcPr"), _w("sectPr")
HYPERLINK, INS, DEL, NUMID = _w("hyperlink"), _w("ins"), _w("del"), _w("numId")
_PROPERTIES = {PPR, TRPR, TCPR, SECTPR, _w("tblPr"), _w("tblGrid"), _w("tblPrEx")}
# Text and field code in a deleted run must be w:delText and w:delInstrText.
_DELETED = {T: _w("delText"), _w("instrText"): _w("delInstrText")}
# Words, numbers with their decimals ("45,39", "1.102"), spaces, and each punctuation mark.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+|\s+|[^\w\s]")
_GLUE = re.compile(r"[^\w]*")  # spaces and punctuation
_NUMID_VALUE = re.compile(r'(<w:numId w:val=")\d+(")')
# Paragraph properties that follow w:rPr (the paragraph mark) in the schema's order.
_AFTER_MARK = (_w("sectPr"), _w("pPrChange"))
_W_ID = _w("id")
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
# A relationship id in serialised XML (r:embed of a picture, r:id of a link), to compare
# content by what it points at: the ids of the two files are numbered independently.
_REL_ID = re.compile(r'(\br:(?:embed|link|id|pict)=")([^"]*)(")')


ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class Redline:
    """One written redline: which document (its name, e.g. 'Budget') of which agreement, and
    whether the document is new at the newer revision (ADDED: all its text is inserted), gone
    from it (REMOVED: all its text, as the older revision renders it, is deleted) or CHANGED."""

    agreement: str
    document: str
    path: Path
    change: str = CHANGED

    @property
    def note(self) -> str:
        """What the command says after the file's name: nothing, or that it is new or gone."""
        if self.change == ADDED:
            return " (" + tr("new document: all of it is inserted") + ")"
        if self.change == REMOVED:
            return " (" + tr("removed document: all of it is deleted") + ")"
        return ""


# --- revisions ----------------------------------------------------------------------------------


def redline_revisions(
    old: str,
    new: str | None,
    paths: Sequence[Path] = (),
    *,
    out: Path,
    author: str = DEFAULT_AUTHOR,
    repository: Repository | None = None,
) -> list[Redline]:
    """Write a redline DOCX for every document that changed between revisions `old` and `new`.

    `paths` are agreement folders, folders of them, or document files in them (default: every
    folder under agreements/). Each changed document goes to `out/<agreement-id>/<document>
    (ændringer).docx`; documents that render the same at both revisions are not written. A
    document only the new revision has is all inserted; one only the old revision has (a
    removed file or agreement) is rendered from the old revision and all deleted. `new` None
    is the working tree. The changes are dated with the newer revision's commit time (the
    working tree's: see `Repository.timestamp`), never the current time, so the same revisions
    give the same files.

    Raises:
        InputError: not a git repository, an unknown revision, a PATH that names nothing at
            either revision, or an agreement that does not load or validate at one of them.
    """
    repo = repository or Repository.discover()
    before, after = repo.revision(old), repo.revision(new)
    targets, problems = _targets(repo, before, after, paths)
    problems += destination_problems(out, [repo.root / (t.new or t.old or "") for t in targets])
    pending: list[tuple[str, str, str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="agreementgen-redline-") as scratch:
        for target in targets:
            if (
                target.old is not None
                and target.new is not None
                and repo.same_folder(before, target.old, after, target.new)
            ):
                continue
            scratches = (Path(scratch) / "old", Path(scratch) / "new")
            views: list[dict[str, View]] = []
            for revision, folder, place in zip(
                (before, after), (target.old, target.new), scratches, strict=True
            ):
                found_views: dict[str, View] = {}
                if folder is not None:
                    found_views, found = _views(repo, revision, folder, place, target)
                    problems += found
                views.append(found_views)
            if problems:
                continue
            # A removed folder too is dated by the newer revision: the removal was made there.
            date = _iso(repo.timestamp(after, target.new or target.old or ""))
            for name, change, marked in _redlines(views[0], views[1], author=author, date=date):
                stem = (views[1].get(name) or views[0][name]).stem
                pending.append((target.ident, stem, change, marked))
    if problems:
        raise InputError(problems)
    written = []
    for ident, stem, change, data in pending:
        path = out / ident / f"{stem}{SUFFIX}.docx"
        with output_errors(out):
            write_atomic(path, data)
        written.append(Redline(ident, stem, path, change))
    return written


def _redlines(
    old: dict[str, View], new: dict[str, View], *, author: str, date: str
) -> Iterator[tuple[str, str, bytes]]:
    """The redline of each document (by its file in the folder) that differs between the
    views of two revisions: the new revision's documents in order, then the removed ones.

    The documents are rendered and compared on a process per core.
    """
    from agreementgen.render.word import render_docx

    names = [
        name
        for name in [*new, *(n for n in old if n not in new)]
        # The same content renders to the same file.
        if name not in old or name not in new or old[name].document != new[name].document
    ]

    def redline(name: str) -> bytes | None:
        before, after = old.get(name), new.get(name)
        return redline_docx(
            render_docx(before.document) if before is not None else None,
            render_docx(after.document) if after is not None else None,
            author=author,
            date=date,
        )

    for name, marked in zip(names, fork_map(redline, names, workers=cpus()), strict=True):
        change = ADDED if name not in old else REMOVED if name not in new else CHANGED
        if marked is not None:
            yield name, change, marked


@dataclass(frozen=True)
class _Target:
    """An agreement folder to compare, at each revision (None: not there), and which of its
    documents."""

    ident: str
    old: str | None
    new: str | None
    names: frozenset[str] | None  # paths inside the folder; None: every document


def _targets(
    repo: Repository, before: Revision, after: Revision, paths: Sequence[Path]
) -> tuple[list[_Target], list[Diagnostic]]:
    """Resolve PATHs (folders, folders of folders, document files) at both revisions."""
    roots = [repo.repo_path(p) for p in paths] or [repo.default_root()]
    chosen: dict[str, set[str] | None] = {}  # agreement folder -> documents
    problems: list[Diagnostic] = []
    for root in roots:
        document = _document_of(repo, (after, before), root)
        if document is not None:
            folder, name = document
            names = chosen.setdefault(folder, set())
            if names is not None:
                names.add(name)
            continue
        found = {**repo.agreement_folders(before, [root]), **repo.agreement_folders(after, [root])}
        if not found:
            problems.append(
                Diagnostic(
                    root or ".",
                    0,
                    0,
                    "AG154",
                    tr("no agreement folder or document here at {old} or {new}").format(
                        old=before.name or tr(WORKTREE_LABEL), new=after.name or tr(WORKTREE_LABEL)
                    ),
                )
            )
        for folder in found.values():
            chosen[folder] = None
    old_folders = repo.agreement_folders(before, list(chosen))
    new_folders = repo.agreement_folders(after, list(chosen))
    targets = []
    for ident in sorted({*old_folders, *new_folders}):
        old, new = old_folders.get(ident), new_folders.get(ident)
        names = chosen.get(new or old or "")
        targets.append(_Target(ident, old, new, frozenset(names) if names is not None else None))
    return targets, problems


def _document_of(
    repo: Repository, revisions: Sequence[Revision], path: str
) -> tuple[str, str] | None:
    """If `path` is a file in an agreement folder, return the folder and its path inside it."""
    for revision in revisions:
        if repo.files(revision, path) != [path]:
            continue
        for folder in PurePosixPath(path).parents:
            if f"{folder}/{AGREEMENT_FILE}" in repo.files(revision, str(folder)):
                return str(folder), str(PurePosixPath(path).relative_to(folder))
    return None


def _views(
    repo: Repository, revision: Revision, folder: str, scratch: Path, target: _Target
) -> tuple[dict[str, View], list[Diagnostic]]:
    """Load an agreement folder at a revision and make the views of the documents asked for,
    by their paths inside the folder, as the build makes them. A redline renders only the
    documents: the files a build writes beside them (Budget.xlsx, the organisation diagram)
    are made when read, so never here."""
    from agreementgen.views.document_set import document_views

    loaded, problems = read_agreement_at(repo, revision, folder, scratch)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if loaded is None or errors:
        return {}, errors
    return document_views(loaded, target.names), []


def _iso(seconds: int) -> str:
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- two Word files -----------------------------------------------------------------------------


def redline_docx(old: bytes | None, new: bytes | None, *, author: str, date: str) -> bytes | None:
    """Return `new` with every difference from `old` as a tracked change (None: no changes).

    `old` None is a document that did not exist: everything in it is inserted. `new` None is
    a document that no longer exists: the result is `old` with everything in its body deleted.
    `date` is ISO 8601, as Word writes it ('2026-02-01T08:30:00Z').
    """
    import docx

    if new is None:
        if old is None:
            return None
        new_doc = docx.Document(io.BytesIO(old))
        for block in [c for c in new_doc.element.body if c.tag not in _PROPERTIES]:
            new_doc.element.body.remove(block)
    else:
        new_doc = docx.Document(io.BytesIO(new))
    old_doc = docx.Document(io.BytesIO(old)) if old is not None else None
    marks = _Marks(author, date, _free_id(new_doc, _W_ID), itertools.count(_free_id(new_doc, "id")))
    numbering = _Numbering(old_doc, new_doc)
    pairs = [(old_doc.part if old_doc else None, new_doc.part)]
    pairs += _story_parts(old_doc, new_doc)
    for old_part, new_part in pairs:
        importer = _Importer(old_part, new_part, numbering, marks.drawings)
        old_root = old_part.element if old_part is not None else None
        new_root = new_part.element
        if new_part is new_doc.part:
            old_root = old_root.body if old_root is not None else None
            new_root = new_root.body
        _Differ(marks, importer).container(old_root, new_root)
    numbering.finish()
    if marks.count == 0:
        return None
    return docx_file(new_doc)


def _story_parts(old_doc: Any, new_doc: Any) -> list[tuple[Any, Any]]:
    """Pair the headers and footers of the two files by part name."""

    def stories(document: Any) -> dict[str, Any]:
        if document is None:
            return {}
        return {
            str(rel.target_part.partname): rel.target_part
            for rel in document.part.rels.values()
            if rel.reltype in _RT_STORIES and not rel.is_external
        }

    old, new = stories(old_doc), stories(new_doc)
    return [(old.get(name), part) for name, part in sorted(new.items())]


def _free_id(document: Any, attribute: str) -> int:
    """The first id above every `attribute` (w:id: revisions, bookmarks; id: drawings) already
    in the file."""
    ids = [0]
    for part in document.part.package.iter_parts():
        element = getattr(part, "element", None)
        if element is None:
            continue
        for node in element.iter():
            value = node.get(attribute)
            if value is not None and value.lstrip("-").isdigit():
                ids.append(int(value))
    return max(ids) + 1


@dataclass
class _Marks:
    """Makes w:ins and w:del marks, each with its own id, the author and the date."""

    author: str
    date: str
    next_id: int
    drawings: Iterator[int]  # ids for pictures copied from the old file (wp:docPr)
    count: int = 0

    def make(self, tag: str) -> Any:
        """Return a new w:ins, w:del or w:pPrChange (`tag` in Clark notation)."""
        from docx.oxml import OxmlElement

        element = OxmlElement("w:" + tag.rpartition("}")[2])
        element.set(_w("id"), str(self.next_id))
        element.set(_w("author"), self.author)
        element.set(_w("date"), self.date)
        self.next_id += 1
        self.count += 1
        return element


@dataclass
class _Numbering:
    """List numbering for content taken from the old file.

    A list in the old file is the same list in the new file when their paragraphs were
    matched; a list only the old file has gets a copy of its numbering.
    """

    old_doc: Any
    new_doc: Any
    mapping: dict[str, str] = field(default_factory=dict)
    adopted: list[Any] = field(default_factory=list)

    def match(self, old: Any, new: Any) -> None:
        """Record that the lists of two matched blocks are the same lists."""
        for a, b in zip(old.iter(NUMID), new.iter(NUMID), strict=False):
            self.mapping.setdefault(a.get(_w("val")), b.get(_w("val")))

    def adopt(self, element: Any) -> None:
        """Note old content placed in the new file, to renumber when all is matched."""
        if next(element.iter(NUMID), None) is not None:
            self.adopted.append(element)

    def finish(self) -> None:
        for element in self.adopted:
            for num_id in element.iter(NUMID):
                old = num_id.get(_w("val"))
                if old not in self.mapping:
                    self.mapping[old] = self._copy(old)
                num_id.set(_w("val"), self.mapping[old])

    def _copy(self, old: str) -> str:
        if self.old_doc is None or old == "0":
            return old
        source = self.old_doc.part.numbering_part.element
        target = self.new_doc.part.numbering_part.element
        num = next((n for n in source.iterchildren(_w("num")) if n.get(_w("numId")) == old), None)
        if num is None:
            return old
        fresh = 1 + max(
            (int(n.get(_w("numId"))) for n in target.iterchildren(_w("num"))), default=0
        )
        clone = copy.deepcopy(num)
        clone.set(_w("numId"), str(fresh))
        target.append(clone)
        return str(fresh)


@dataclass
class _Importer:
    """Copies content of the old file into the new one, carrying links and pictures along."""

    old_part: Any
    new_part: Any
    numbering: _Numbering
    drawings: Iterator[int]
    _ids: dict[str, str] = field(default_factory=dict)
    _targets: dict[tuple[int, str], str] = field(default_factory=dict)

    def copy(self, element: Any) -> Any:
        clone = copy.deepcopy(element)
        for node in clone.iter():
            for name, value in node.attrib.items():
                if name.startswith(f"{{{_R}}}"):
                    node.set(name, self._relationship(value))
            if node.tag == _DOC_PR:  # each picture in a file has its own id
                node.set("id", str(next(self.drawings)))
        self.numbering.adopt(clone)
        return clone

    def key(self, element: Any, old: bool) -> str:
        """An element's XML as compared: what its relationships point at (a picture's
        content, a link's address) in place of their ids, and no list numbers (the lists
        of the two files are numbered independently)."""
        part = self.old_part if old else self.new_part
        text = _NUMID_VALUE.sub(r"\1\2", _xml(element))
        return _REL_ID.sub(lambda m: m[1] + self._target(part, m[2]) + m[3], text)

    def _target(self, part: Any, rel_id: str) -> str:
        cached = self._targets.get((id(part), rel_id))
        if cached is None:
            rel = part.rels.get(rel_id) if part is not None else None
            if rel is None:
                cached = rel_id
            elif rel.is_external:
                cached = rel.target_ref
            else:  # a picture, or another part: its content, as the file names differ
                cached = hashlib.sha1(rel.target_part.blob).hexdigest()
            self._targets[(id(part), rel_id)] = cached
        return cached

    def _relationship(self, old_id: str) -> str:
        if old_id not in self._ids:
            rel = self.old_part.rels.get(old_id) if self.old_part is not None else None
            if rel is None:
                self._ids[old_id] = old_id
            elif rel.is_external:
                self._ids[old_id] = self.new_part.relate_to(
                    rel.target_ref, rel.reltype, is_external=True
                )
            elif rel.reltype == _RT_IMAGE:
                self._ids[old_id], _ = self.new_part.get_or_add_image(
                    io.BytesIO(rel.target_part.blob)
                )
            else:
                self._ids[old_id] = old_id
        return self._ids[old_id]

    def link(self, element: Any, part: Any) -> str:
        """What a hyperlink points at, to compare links of the two files."""
        target = element.get(_w("anchor")) or ""
        rel_id = element.get(f"{{{_R}}}id")
        if rel_id and part is not None and rel_id in part.rels:
            target = f"{part.rels[rel_id].target_ref}#{target}"
        return target


@dataclass(frozen=True)
class _Atom:
    """A word, a space or another piece of a run (a break, a picture), with its formatting."""

    key: tuple[str, str, str, str]
    child: Any  # the run's child element (for text: None, the text is key[1])
    props: Any  # the run's w:rPr or None
    link: Any  # the w:hyperlink around the run, or None


@dataclass
class _Differ:
    marks: _Marks
    importer: _Importer

    # --- block containers: the body, a table cell, a header ------------------------------

    def container(self, old: Any, new: Any) -> None:
        """Replace the blocks of `new` by the tracked comparison with those of `old`."""
        old_blocks = [c for c in old if c.tag not in _PROPERTIES] if old is not None else []
        new_blocks = [c for c in new if c.tag not in _PROPERTIES]
        result = list(self.blocks(old_blocks, new_blocks))
        _settle_marks(result)
        anchor = next((c for c in new if c.tag == SECTPR), None)
        for block in new_blocks:
            new.remove(block)
        for block in result:
            if anchor is not None:
                anchor.addprevious(block)
            else:
                new.append(block)

    def blocks(self, old: list[Any], new: list[Any]) -> Iterator[Any]:
        for tag, i1, i2, j1, j2 in _opcodes(
            [self.importer.key(b, True) for b in old], [self.importer.key(b, False) for b in new]
        ):
            if tag == "equal":
                for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                    self.importer.numbering.match(a, b)
                    yield b
                continue
            pairs = align(old[i1:i2], new[j1:j2], kind=_kind, similarity=self.similarity)
            for i, j in pairs:
                if i is not None and j is not None:
                    yield from self.pair(old[i1 + i], new[j1 + j])
                elif i is not None:
                    yield from self.deleted(old[i1 + i])
                elif j is not None:
                    yield self.inserted(new[j1 + j])

    def similarity(self, old: Any, new: Any) -> float:
        """How alike two blocks of the same kind are: their text, or else their content."""
        a, b = _text_of(old), _text_of(new)
        if not a and not b:
            same = self.importer.key(old, True) == self.importer.key(new, False)
            return 1.0 if same else 0.5
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        return matcher.ratio() if matcher.quick_ratio() >= 0.5 else 0.0

    def pair(self, old: Any, new: Any) -> Iterator[Any]:
        if new.tag == P and not _text_of(old) and not _text_of(new):
            # A paragraph of a picture that changed: the old paragraph deleted and the new
            # one inserted. LibreOffice 7.4, rejecting a picture inserted at the end of a
            # paragraph, joins the paragraph to the next one.
            yield from self.deleted(old)
            yield self.inserted(new)
        elif new.tag == P:
            yield from self.paragraph(old, new)
        elif new.tag == TBL:
            yield self.table(old, new)
        else:  # something this comparison does not look into: the new one, unmarked
            yield new

    def deleted(self, block: Any) -> Iterator[Any]:
        if block.tag not in (P, TBL):
            return  # nothing of it can be marked as deleted, so it is left out
        clone = self.importer.copy(block)
        self._mark(clone, DEL)
        yield clone

    def inserted(self, block: Any) -> Any:
        self._mark(block, INS)
        return block

    def _mark(self, block: Any, tag: str) -> None:
        """Mark all of a paragraph or table as inserted or deleted."""
        if block.tag == P:
            self._mark_paragraph(block, tag)
        elif block.tag == TBL:
            for row in block.iterchildren(TR):
                self._mark_row(row, tag)

    def _mark_paragraph(self, paragraph: Any, tag: str) -> None:
        for run in list(_runs(paragraph)):
            wrapper = self.marks.make(tag)
            run.addprevious(wrapper)
            wrapper.append(run)
            if tag == DEL:
                _to_deleted(run)
        self._mark_paragraph_mark(paragraph, tag)

    def _mark_paragraph_mark(self, paragraph: Any, tag: str) -> None:
        _mark_properties(paragraph).insert(0, self.marks.make(tag))

    def _mark_row(self, row: Any, tag: str) -> None:
        from docx.oxml import OxmlElement

        properties = row.find(TRPR)
        if properties is None:
            properties = OxmlElement("w:trPr")
            before = row.find(_w("tblPrEx"))
            if before is not None:
                before.addnext(properties)
            else:
                row.insert(0, properties)
        properties.append(self.marks.make(tag))  # after every other row property
        for cell in row.iterchildren(TC):
            for block in list(cell):
                self._mark(block, tag)

    # --- tables ----------------------------------------------------------------------------

    def table(self, old: Any, new: Any) -> Any:
        """Compare two tables row by row: rows aligned by content, then cell by cell.

        The new table's properties and column widths are kept as they are.
        """
        old_rows, new_rows = list(old.iterchildren(TR)), list(new.iterchildren(TR))
        result: list[Any] = []
        for tag, i1, i2, j1, j2 in _opcodes(
            [self.importer.key(r, True) for r in old_rows],
            [self.importer.key(r, False) for r in new_rows],
        ):
            if tag == "equal":
                for a, b in zip(old_rows[i1:i2], new_rows[j1:j2], strict=True):
                    self.row(a, b)
                    result.append(b)
                continue
            pairs = align(old_rows[i1:i2], new_rows[j1:j2], kind=_cells, similarity=self.similarity)
            for i, j in pairs:
                if i is not None and j is not None:
                    self.row(old_rows[i1 + i], new_rows[j1 + j])
                    result.append(new_rows[j1 + j])
                elif i is not None:
                    clone = self.importer.copy(old_rows[i1 + i])
                    self._mark_row(clone, DEL)
                    result.append(clone)
                elif j is not None:
                    self._mark_row(new_rows[j1 + j], INS)
                    result.append(new_rows[j1 + j])
        for row in new_rows:
            new.remove(row)
        new.extend(result)
        return new

    def row(self, old: Any, new: Any) -> None:
        """Compare two rows with the same number of cells, cell by cell."""
        for a, b in zip(old.iterchildren(TC), new.iterchildren(TC), strict=True):
            self.container(a, b)

    # --- paragraphs ------------------------------------------------------------------------

    def paragraph(self, old: Any, new: Any) -> Iterator[Any]:
        """Compare two paragraphs word by word; keep the new one's properties."""
        self.importer.numbering.match(old, new)
        old_atoms = list(self.atoms(old, True))
        new_atoms = list(self.atoms(new, False))
        if any(a.key[0] == "x" for a in (*old_atoms, *new_atoms)):
            # Content other than runs (a field, a bookmark) cannot be marked word by word.
            if [a.key for a in old_atoms] != [a.key for a in new_atoms]:
                yield from self.deleted(old)
                yield self.inserted(new)
            else:
                self._properties(old, new)
                yield new
            return
        runs = list(self.runs(old_atoms, new_atoms))
        for child in list(new):
            if child.tag != PPR:
                new.remove(child)
        new.extend(runs)
        self._properties(old, new)
        yield new

    def _properties(self, old: Any, new: Any) -> None:
        """Record changed paragraph properties (a style, an indent) as w:pPrChange."""
        before, after = old.find(PPR), new.find(PPR)
        if _ppr_key(before) == _ppr_key(after):
            return
        from docx.oxml import OxmlElement

        if after is None:
            after = OxmlElement("w:pPr")
            new.insert(0, after)
        change = self.marks.make(_w("pPrChange"))
        previous = self.importer.copy(before) if before is not None else OxmlElement("w:pPr")
        for child in list(previous):
            if child.tag in (RPR, SECTPR, _w("pPrChange")):
                previous.remove(child)
        change.append(previous)
        after.append(change)

    def atoms(self, paragraph: Any, old: bool) -> Iterator[_Atom]:
        """Split a paragraph's runs into words, spaces and other run content (a picture is
        compared by its content)."""
        part = self.importer.old_part if old else self.importer.new_part

        def key(element: Any) -> str:
            return self.importer.key(element, old)

        for child in paragraph:
            if child.tag == PPR:
                continue
            if child.tag == R:
                yield from _run_atoms(child, None, "", key)
            elif child.tag == HYPERLINK and all(c.tag == R for c in child):
                target = self.importer.link(child, part)
                for run in child:
                    yield from _run_atoms(run, child, target, key)
            else:
                yield _Atom(("x", key(child), "", ""), child, None, None)

    def runs(self, old: list[_Atom], new: list[_Atom]) -> Iterator[Any]:
        """The paragraph's content: unchanged runs, deleted runs, inserted runs."""
        segments = _segments([a.key for a in old], [a.key for a in new])
        pieces: list[tuple[str, _Atom]] = []
        for tag, i1, i2, j1, j2 in segments:
            if tag == "equal":
                pieces += [("equal", a) for a in new[j1:j2]]
            else:
                pieces += [("delete", a) for a in old[i1:i2]]
                pieces += [("insert", a) for a in new[j1:j2]]
        # One link per stretch of pieces with the same target; one run per stretch of the
        # same change and formatting inside it.
        for target, group in _group(pieces, lambda piece: piece[1].key[3]):
            items = list(group)
            elements = list(self._runs(items))
            if not target:
                yield from elements
                continue
            kept = next((atom.link for op, atom in items if op != "delete"), None)
            if kept is not None:
                wrapper = copy.deepcopy(kept)
            else:
                wrapper = self.importer.copy(items[0][1].link)
            for child in list(wrapper):
                wrapper.remove(child)
            wrapper.extend(elements)
            yield wrapper

    def _runs(self, pieces: list[tuple[str, _Atom]]) -> Iterator[Any]:
        from docx.oxml import OxmlElement

        for (op, _), group in _group(pieces, lambda piece: (piece[0], piece[1].key[2])):
            items = list(group)
            run = OxmlElement("w:r")
            props = items[0][1].props
            if props is not None:
                run.append(self.importer.copy(props) if op == "delete" else copy.deepcopy(props))
            text = ""
            for _, atom in items:
                if atom.child is None:
                    text += atom.key[1]
                    continue
                if text:
                    run.append(_text(text, op == "delete"))
                    text = ""
                child = self.importer.copy(atom.child) if op == "delete" else atom.child
                run.append(child)
            if text:
                run.append(_text(text, op == "delete"))
            if op == "equal":
                yield run
            else:
                wrapper = self.marks.make(DEL if op == "delete" else INS)
                wrapper.append(run)
                if op == "delete":
                    _to_deleted(run)
                yield wrapper


# --- helpers ------------------------------------------------------------------------------------


def _settle_marks(blocks: list[Any]) -> None:
    """Move the tracked mark off a paragraph that has no next paragraph to join.

    A deleted (or, rejected, an inserted) paragraph mark joins the paragraph to the next
    one, which keeps its own style when the joined one is left empty: that is how a whole
    deleted paragraph goes. The last paragraph of a cell, a header or the body, or one
    before a table, has no next paragraph, and LibreOffice leaves it as an empty paragraph
    of its own style. For a run of such paragraphs after a paragraph with text, the run's
    last mark goes to that paragraph instead: the paragraph then joins the emptied run and,
    not being empty, keeps its own style, as when a deletion starts inside a paragraph.
    """
    index = 0
    while index < len(blocks):
        tag = _paragraph_mark(blocks[index])
        end = index
        while tag is not None and end + 1 < len(blocks) and _paragraph_mark(blocks[end + 1]) == tag:
            end += 1
        last = end + 1 == len(blocks) or blocks[end + 1].tag != P
        before = blocks[index - 1] if index > 0 else None
        if tag is not None and last and before is not None and _kept_text(before):
            mark = blocks[end].find(f"{PPR}/{RPR}/{tag}")
            mark.getparent().remove(mark)
            _mark_properties(before).insert(0, mark)
        index = end + 1


def _mark_properties(paragraph: Any) -> Any:
    """The paragraph mark's w:rPr, made if there is none; a mark's w:ins or w:del goes first
    in it, as the schema orders them."""
    from docx.oxml import OxmlElement

    properties = paragraph.find(PPR)
    if properties is None:
        properties = OxmlElement("w:pPr")
        paragraph.insert(0, properties)
    mark = properties.find(RPR)
    if mark is None:
        mark = OxmlElement("w:rPr")
        after = next((c for c in properties if c.tag in _AFTER_MARK), None)
        if after is not None:
            after.addprevious(mark)
        else:
            properties.append(mark)
    return mark


def _paragraph_mark(block: Any) -> str | None:
    """w:del or w:ins if a block is a paragraph whose mark is deleted or inserted."""
    if block.tag != P:
        return None
    for tag in (DEL, INS):
        if block.find(f"{PPR}/{RPR}/{tag}") is not None:
            return tag
    return None


def _kept_text(block: Any) -> bool:
    """Whether a paragraph with an untracked mark has text that is neither inserted nor
    deleted (it has text whether changes are accepted or rejected)."""
    if block.tag != P or _paragraph_mark(block) is not None:
        return False
    return any(
        node.text and not any(a.tag in (INS, DEL) for a in node.iterancestors())
        for node in block.iter(T)
    )


def _group(items: list[Any], key: Callable[[Any], Any]) -> Iterator[tuple[Any, Iterator[Any]]]:
    return itertools.groupby(items, key=key)


def _runs(paragraph: Any) -> Iterator[Any]:
    """The runs of a paragraph, including those inside hyperlinks."""
    for child in paragraph:
        if child.tag == R:
            yield child
        elif child.tag == HYPERLINK:
            yield from (c for c in child if c.tag == R)


def _to_deleted(run: Any) -> None:
    for node in run.iter():
        if node.tag in _DELETED:
            node.tag = _DELETED[node.tag]


def _text(text: str, deleted: bool) -> Any:
    from docx.oxml import OxmlElement

    element = OxmlElement("w:delText" if deleted else "w:t")
    element.text = text
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return element


def _run_atoms(run: Any, link: Any, target: str, key: Callable[[Any], str]) -> Iterator[_Atom]:
    props = run.find(RPR)
    props_key = _xml(props) if props is not None else ""
    for child in run:
        if child.tag == RPR:
            continue
        if child.tag == T:
            for token in _TOKEN.findall(child.text or ""):
                yield _Atom(("t", token, props_key, target), None, props, link)
        else:
            yield _Atom(("r", key(child), props_key, target), child, props, link)


def _opcodes(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """Opcodes of an alignment, with each run of inserted or deleted blocks slid down past
    equal blocks as far as it goes.

    Among equal blocks difflib picks which one is new arbitrarily: of four identical signature
    tables, it may call the third inserted instead of the fourth, with the party's name after
    it. Sliding down, as git's diff does, keeps an added party's name, line and table together.
    """
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops: list[list[Any]] = [list(op) for op in matcher.get_opcodes()]
    result: list[list[Any]] = []
    for index, op in enumerate(ops):
        following = ops[index + 1] if index + 1 < len(ops) else None
        if op[0] in ("insert", "delete") and following is not None and following[0] == "equal":
            keys, start, end = (new, 3, 4) if op[0] == "insert" else (old, 1, 2)
            while following[1] < following[2] and keys[op[start]] == keys[op[end]]:
                # The run's first block is equal to the block after the run: match that one
                # instead and move the run one block down.
                if result and result[-1][0] == "equal":
                    result[-1][2] += 1
                    result[-1][4] += 1
                else:
                    result.append(["equal", op[1], op[1] + 1, op[3], op[3] + 1])
                for n in range(1, 5):
                    op[n] += 1
                following[1] += 1
                following[3] += 1
        result.append(op)
    return [
        (str(t), int(a), int(b), int(c), int(d))
        for t, a, b, c, d in result
        if t != "equal" or b > a
    ]


def _segments(old: Sequence[Any], new: Sequence[Any]) -> list[tuple[str, int, int, int, int]]:
    """Opcodes of a word diff, where spaces or punctuation between two changes join them
    ("~~a, b~~ c, d" rather than "~~a~~c, ~~b~~d")."""
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    merged: list[tuple[str, int, int, int, int]] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        between = 0 < index < len(opcodes) - 1
        blank = all(k[0] == "t" and _GLUE.fullmatch(k[1]) for k in new[j1:j2])
        if tag == "equal" and between and blank:
            tag = "replace"
        if merged and tag != "equal" and merged[-1][0] != "equal":
            _, a1, _, b1, _ = merged.pop()
            merged.append(("replace", a1, i2, b1, j2))
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


def _xml(element: Any) -> str:
    from lxml import etree

    return str(etree.tostring(element, encoding="unicode"))


def _text_of(element: Any) -> str:
    return "".join(node.text or "" for node in element.iter(T))


def _kind(block: Any) -> str:
    """Which blocks may be compared word by word: tables, and paragraphs of the same style
    and list level. Any other two are a deletion and an insertion, so that accepting and
    rejecting give each paragraph its own style and numbering whatever a program makes of
    w:pPrChange."""
    if block.tag != P:
        return str(block.tag)
    properties = block.find(PPR)
    if properties is None:
        return "p"
    style = properties.find(_w("pStyle"))
    level = properties.find(f"{_w('numPr')}/{_w('ilvl')}")
    listed = properties.find(_w("numPr")) is not None
    return "p|{}|{}|{}".format(
        style.get(_w("val")) if style is not None else "",
        listed,
        level.get(_w("val")) if level is not None else "",
    )


def _cells(row: Any) -> str:
    return str(len(row.findall(TC)))


def _ppr_key(properties: Any) -> str:
    """Paragraph properties as compared: without the mark's formatting and list numbers."""
    if properties is None:
        return ""
    clone = copy.deepcopy(properties)
    for child in list(clone):
        if child.tag in (RPR, _w("pPrChange")):
            clone.remove(child)
    if len(clone) == 0 and not clone.attrib:
        return ""  # no properties at all, as when there is no w:pPr
    return _NUMID_VALUE.sub(r"\1\2", _xml(clone))
