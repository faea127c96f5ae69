"""Fixtures of the diff and redline tests."""
