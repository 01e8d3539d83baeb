"""mali-2025's escorted convoy size limits come from the facts' words, said in the file."""

from __future__ import annotations

import re

import simfuel
from simfuel.scenario.schema import EscortPolicyEvent
from tests.helpers import SCENARIOS


def test_the_escorted_convoy_size_limits_cite_their_source() -> None:
    """Each escort policy's ``min_size``/``max_size`` line says which words it reads
    ("a few dozen", "several hundred" tankers under one escort [S]) and that the figure
    read into them is an assumption."""
    sc = simfuel.load_scenario(SCENARIOS / "mali-2025.yaml")
    policies = [e for e in sc.events if isinstance(e, EscortPolicyEvent) and e.max_size]
    assert [(e.min_size, e.max_size) for e in policies] == [(30, 300), (30, 300)]
    lines = (SCENARIOS / "mali-2025.yaml").read_text(encoding="utf-8").splitlines()
    words = {"min_size": "a few dozen", "max_size": "several hundred"}
    seen = {"min_size": 0, "max_size": 0}
    for line in lines:
        m = re.match(r"\s+(min_size|max_size): (\d+)\s*#(.*)$", line)
        if m and line.startswith("    ") and int(m.group(2)) in (30, 300):
            key, comment = m.group(1), m.group(3)
            assert words[key] in comment and "[S]" in comment and "assumption" in comment, line
            seen[key] += 1
    assert seen == {"min_size": 2, "max_size": 2}
