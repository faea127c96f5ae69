"""A live preview of an agreement's documents in the browser, while its YAML is edited (`serve`)."""
