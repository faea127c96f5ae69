"""Build stage: render what changed, stage it, publish it whole (manifest, checklist)."""
