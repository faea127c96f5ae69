"""Editing agreement folders: start one (`new`), rename an id everywhere (`rename`)."""
