"""The hindcast command's table and CSV carry the Brier score of event and flag signals."""

from __future__ import annotations

import pandas as pd

from simfuel.cli import main
from tests.test_cli_hindcast import files, hindcast_args  # noqa: F401 (files: a fixture)


def test_hindcast_csv_and_lines_carry_the_brier_score(files, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "hc"
    assert main(hindcast_args(files, out)) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(out / "hindcast.csv")
    assert "brier" in table.columns
    flag = table.set_index("id").loc["served-feb"]  # a shortage flag reported 0
    assert flag["brier"] == (1.0 - flag["share_in_range"]) ** 2
    assert table.loc[table["kind"] == "incidents", "brier"].isna().all()
    assert "mean Brier score of the event and flag signals" in printed
    assert "served-feb, 2025-02-15): reported 0 flag" in printed and "; Brier " in printed
