"""The fixed names of an agreement folder: its files, where agreements live, what an id is."""

from __future__ import annotations

import re
from pathlib import Path

# The root of every agreement folder; the folder's name is the agreement's id.
AGREEMENT_FILE = "agreement.yaml"
# Where the CLI looks for agreement folders when given no path.
DEFAULT_ROOT = Path("agreements")
# Ids of agreements, parties, departments, areas, milestones: lower-case, digits, hyphens.
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
ID = re.compile(ID_PATTERN)
# The word a milestone's `responsible` uses for the board itself, where an id could stand.
BOARD = "board"

__all__ = ["AGREEMENT_FILE", "BOARD", "DEFAULT_ROOT", "ID", "ID_PATTERN"]
