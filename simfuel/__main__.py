"""``python -m simfuel``: the same as the ``simfuel`` command."""

from .cli import main

raise SystemExit(main())
