"""What every benchmark does with its ``--json`` report: write it atomically, say where."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simfuel.io import write_text


def write_json(path: Path, report: dict[str, Any]) -> None:
    """Write ``report`` as indented JSON to ``path`` (its folder made), in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(report, indent=2) + "\n")
    print(f"wrote {path}")
