"""Load stage: an agreement folder as data — its YAML, models, packs and templates."""
