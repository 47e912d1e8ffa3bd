"""The ``ruhrgeo index`` command: the Digital Index of an indicator table."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from ruhrgeo.cli.args import (
    friendly,
    out_option,
)
from ruhrgeo.index import METHODS, composite, load_spec
from ruhrgeo.io import read_indicators
from ruhrgeo.io.write import write_table


@click.command(name="index")
@click.argument("table_path", metavar="TABLE", type=click.Path(path_type=Path))
@click.option(
    "--spec",
    "spec_path",
    type=click.Path(path_type=Path),
    help="Indicator spec (TOML); default the Digital-Index Ruhr spec.",
)
@click.option("--method", default="minmax", show_default=True, type=click.Choice(METHODS))
@click.option(
    "--missing",
    default="error",
    show_default=True,
    type=click.Choice(["error", "skip", "impute"]),
    help="Missing-value policy.",
)
@click.option("--id-col", help="AGS column of the table (default ags).")
@out_option("Output .csv (or .gpkg without geometry: use .csv).")
@friendly
def index_command(
    table_path: Path,
    spec_path: Path | None,
    method: str,
    missing: str,
    id_col: str | None,
    out_path: Path,
) -> None:
    """Sub-indices, total, ranks of the municipalities in TABLE (CSV or XLSX keyed by AGS)."""
    spec = load_spec(spec_path)
    table = read_indicators(table_path, id_col=id_col)
    result = composite(table, spec, method=method, missing=missing)
    names = table[["name"]] if "name" in table.columns else pd.DataFrame(index=table.index)
    write_table(names.join(result), out_path)
    above = result.index[result["above_average"]]
    label = names["name"] if "name" in names else pd.Series(above, index=above)
    click.echo(
        f"{int(result['above_average'].sum())} of {len(result)} municipalities above the average: "
        f"{', '.join(map(str, label.reindex(above)))}; wrote {out_path}"
    )
