"""Render stage: views as Word, HTML and PDF through the one Jinja environment."""
