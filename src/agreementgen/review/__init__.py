"""Review: fmt, diff, redline and textconv, for revisions of agreement folders in git."""
