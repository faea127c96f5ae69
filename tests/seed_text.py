"""The Viborg seed's prose and table figures, for the fidelity tests."""

from __future__ import annotations

import re
from pathlib import Path

# Line ranges (1-based, inclusive) of the seed that are tables, chart debris or the
# front page: PDF extraction scatters their cells over many lines, so they are not prose.
# The table figures are checked separately (table_figures); the front page by the
# structure tests. Read the seed beside these numbers to check them.
NOT_PROSE = (
    (1, 55),  # front page: title, parties, signature blocks (checked by the structure tests)
    (130, 346),  # section 1: the departments table
    (390, 698),  # section 1: the criteria table with its caption
    (1000, 1023),  # section 4: the annual wheel's text boxes, extracted mid-sentence
    (1192, 1499),  # section 5: the goals and indicators table
    (1536, 1549),  # section 6: the family types table and its source
    (1659, 1723),  # section 6: the first half of the 18-64 table; the grades table and source
    (1752, 1766),  # section 6: the second half of the 18-64 table and its source
    (1815, 1837),  # section 6: the employment chart's labels
    (1868, 2002),  # section 6: the labour market by origin table and its source
)
# Chart axis labels inside the chart region: not data.
AXIS_LABELS = {"0,00%", "10,00%", "20,00%", "30,00%", "40,00%", "50,00%"}


def seed_lines(path: Path) -> list[str]:
    """Return the seed's lines."""
    return path.read_text("utf-8").splitlines()


def prose(path: Path) -> str:
    """Return the seed's prose: table regions dropped, hyphenation joined, whitespace folded."""
    lines = seed_lines(path)
    skip = set()
    for start, end in NOT_PROSE:
        skip.update(range(start - 1, end))
    text = "\n".join(line for i, line in enumerate(lines) if i not in skip)
    text = re.sub(r"(?<=[a-zæøå])-\s*\n\s*(?=[a-zæøå])", "", text)  # parallel-\nsamfund
    return re.sub(r"\s+", " ", text).strip()


# Abbreviations after which a capital letter does not start a sentence.
ABBREVIATIONS = ("Sct.", "jf.", "ca.", "pr.", "nr.", "fx.", "bl.a.")
BULLET = "\uf0b7"  # the PDF's list bullet (a Symbol-font glyph in the private use area)


def sentences(text: str) -> list[str]:
    """Split prose into sentences of at least four words; list items count as sentences."""
    text = re.sub(r"\s(?=\d\. [A-ZÆØÅ][a-zæøå])", f" {BULLET} ", text)  # "2. Vision" headings
    found = []
    for chunk in text.split(BULLET):
        parts = re.split(r"(?<=[.!?:])\s+(?=[A-ZÆØÅ(\"”])", chunk)
        merged: list[str] = []
        for part in parts:
            if merged and merged[-1].endswith(ABBREVIATIONS):
                merged[-1] += " " + part
            else:
                merged.append(part)
        found += [p.strip() for p in merged if len(p.split()) >= 4]
    return found


def normalise(text: str) -> str:
    """Fold what PDF extraction and typography vary: hyphens, spaces, quotes, bullets, case."""
    text = text.replace("\u00a0", " ").replace("\u2011", "-")
    text = re.sub(r"[\u201c\u201d\u201e\"”]", '"', text)
    text = re.sub(r"[’‘`´]", "'", text)
    text = text.replace("", " ").replace("•", " ")
    text = text.replace("-", "")
    text = re.sub(r"\s*%", "%", text)
    text = re.sub(r"\s+", " ", text)
    return text.strip().lower()


def table_figures(path: Path) -> list[str]:
    """Return every number written inside the seed's table regions, as written ('38,0')."""
    lines = seed_lines(path)
    figures = []
    for start, end in NOT_PROSE[1:]:
        if start == 1000:
            continue  # the annual wheel is text, not a table
        chunk = " ".join(lines[start - 1 : end])
        chunk = " ".join(word for word in chunk.split() if word not in AXIS_LABELS)
        figures += re.findall(r"(?<![\w,.])\d+(?:[.,]\d+)*(?![\w])", chunk)
    return figures
