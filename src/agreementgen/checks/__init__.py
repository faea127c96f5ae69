"""Checks stage: the rules an agreement folder must pass, all reported at once."""
