"""Execute notebooks on a fresh kernel and save them with their outputs: ``make notebooks``.

``python notebooks/execute.py`` runs every ``notebooks/*.ipynb``; given paths (or names such
as ``02-mali-2025.ipynb``), it runs those only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbclient
import nbformat

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Run the named notebooks (default: each ``notebooks/*.ipynb``) in place; return 0.

    A name that is not a notebook here is one line on stderr and exit code 2.
    """
    names = sys.argv[1:] if argv is None else argv
    paths = [HERE / Path(n).name for n in names] or sorted(HERE.glob("*.ipynb"))
    missing = [p.name for p in paths if p.suffix != ".ipynb" or not p.is_file()]
    if missing:
        print(f"execute.py: no notebook {', '.join(missing)} in {HERE}", file=sys.stderr)
        return 2
    for path in paths:
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
