"""Execute every notebook on a fresh kernel and save it with its outputs: ``make notebooks``."""

from __future__ import annotations

import sys
from pathlib import Path

import nbclient
import nbformat

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run each ``notebooks/*.ipynb`` in place; return 0."""
    for path in sorted(HERE.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = nbclient.NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
        )
        client.execute()
        nbformat.write(nb, path)
        print(f"executed {path.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
