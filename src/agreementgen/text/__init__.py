"""Text: Danish formatting, the Markdown parser and plain prose (sentences, plain text)."""
