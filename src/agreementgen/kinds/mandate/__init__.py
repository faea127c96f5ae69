"""Kommissorium for bestyrelsen: the board's terms of reference (LBF gives no template)."""
