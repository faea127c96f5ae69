"""Kommissorium for bestyrelsen: the board's terms of reference (LBF gives no template)."""

from agreementgen.kinds.base import Kind
from agreementgen.kinds.mandate.model import BoardMandate

KIND = Kind(
    key="board_mandate",
    pattern="board-mandate.yaml",
    model=BoardMandate,
    schema="board-mandate.schema.json",
    title="Kommissorium for bestyrelsen",
    order=60,
    package=__name__,
)
