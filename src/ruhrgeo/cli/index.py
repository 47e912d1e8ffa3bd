"""The ``ruhrgeo index`` command: the Digital Index of an indicator table, its audit and its
uncertainty."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ruhrgeo._names import AGGREGATIONS, NORMALIZATIONS, TREATMENTS
from ruhrgeo.cli.areas import is_ags
from ruhrgeo.cli.args import InputError, PathArg, friendly, out_option
from ruhrgeo.cli.main import SUMMARIES
from ruhrgeo.errors import RuhrgeoError

if TYPE_CHECKING:
    import pandas as pd


TREATMENT_OPTIONS = {"none" if t is None else t: t for t in TREATMENTS}


@click.command(name="index", short_help=SUMMARIES["index"])
@click.argument("table_path", metavar="TABLE", required=False, type=PathArg(path_type=Path))
@click.option(
    "--spec",
    "spec_path",
    type=PathArg(path_type=Path),
    help="Indicator spec (TOML); default the Digital-Index Ruhr spec.",
)
@click.option(
    "--normalization",
    default="minmax",
    show_default=True,
    type=click.Choice(NORMALIZATIONS),
    help="Normalizer (docs/index-method.md).",
)
@click.option("--reference", help="AGS of the reference municipality (dist2ref, reference).")
@click.option("--aggregation", default="amean", show_default=True, type=click.Choice(AGGREGATIONS))
@click.option("--p", "power", type=float, help="Exponent of --aggregation genmean.")
@click.option(
    "--weights",
    default="spec",
    show_default=True,
    type=click.Choice(["spec", "equal", "pca"]),
    help="Weights: the spec's, all equal, or from PCA.",
)
@click.option(
    "--missing",
    default="error",
    show_default=True,
    type=click.Choice(["error", "skip", "mean", "median"]),
    help="Missing-value policy.",
)
@click.option(
    "--treatment", default="none", show_default=True, type=click.Choice(list(TREATMENT_OPTIONS))
)
@click.option("--audit", "with_audit", is_flag=True, help="Also write the audit (+ heatmap).")
@click.option(
    "--uncertainty",
    "samples",
    type=int,
    help="Monte Carlo base sample size N: rank intervals and sensitivity.",
)
@click.option("--seed", default=0, show_default=True, help="Seed of --uncertainty.")
@click.option(
    "--id-col",
    help="Key column of the table (default ags: AGS, normalized); any other (e.g. kreis_ags, "
    "a LAU code) is kept as written.",
)
@click.option(
    "--init-spec",
    "out_spec",
    type=PathArg(path_type=Path),
    help="Write the spec (--spec, or the default) to this .toml to start your own from, and stop.",
)
@out_option(
    "Output .csv; --audit and --uncertainty write beside it (OUT_*.csv, OUT_*.png).",
    required=False,
)
@friendly
def index_command(
    table_path: Path,
    spec_path: Path | None,
    normalization: str,
    reference: str | None,
    aggregation: str,
    power: float | None,
    weights: str,
    missing: str,
    treatment: str,
    with_audit: bool,
    samples: int | None,
    seed: int,
    id_col: str | None,
    out_spec: Path | None,
    out_path: Path | None,
) -> None:
    """Sub-indices, total, ranks of the municipalities in TABLE (CSV or XLSX keyed by AGS).

    The default spec is the Digital-Index Ruhr's twelve indicators; the shipped table
    ``ruhrgeo/data/tables/indicators_synthetic.csv`` has them all. ``--init-spec spec.toml``
    writes the spec to edit for a table of your own.
    """
    import pandas as pd

    from ruhrgeo.index import (
        audit,
        composite,
        load_spec,
        plot_correlations,
        plot_rank_intervals,
        uncertainty,
    )
    from ruhrgeo.io import read_indicators

    if out_spec is not None:
        _init_spec(spec_path, out_spec)
        return
    if table_path is None or out_path is None:
        raise click.UsageError("give TABLE and --out (or --init-spec FILE.toml to write a spec)")
    if out_path.suffix.lower() != ".csv":
        raise InputError(f"--out of `ruhrgeo index` must end in .csv, got {out_path.name!r}")
    if samples is not None and samples < 4:
        raise InputError(f"--uncertainty takes a sample size N >= 4, got {samples}")
    spec = load_spec(spec_path)
    table = read_indicators(table_path, id_col=id_col, key="ags" if is_ags(id_col) else "text")
    choices: dict[str, Any] = {
        "normalization": normalization,
        "params": {"reference": reference} if reference is not None else None,
        "aggregation": aggregation,
        "p": power,
        "weights": None if weights == "spec" else weights,
        "missing": missing,
        "treatment": TREATMENT_OPTIONS[treatment],
    }
    absent = [n for n in spec.names() if n not in table.columns]
    if absent:
        raise InputError(
            f"{table_path.name} lacks {len(absent)} indicator(s) of the spec {spec.name!r}: "
            f"{absent[:20]}; add these columns, or give --spec FILE.toml naming the table's own "
            "indicators (`ruhrgeo index --init-spec spec.toml` writes one to edit)"
        )
    result = composite(table, spec, **choices)
    names = table["name"] if "name" in table.columns else pd.Series(dtype=object)
    outputs: list[tuple[Path, Callable[[Path], Any]]] = []
    lines = []
    if with_audit:
        checked = audit(table, spec, **choices)
        outputs += [
            (_beside(out_path, "correlations.csv"), _csv(checked.correlations)),
            (_beside(out_path, "audit.csv"), _csv(_audit_table(checked))),
            (_beside(out_path, "correlations.png"), _png(plot_correlations(checked))),
        ]
        lines.append(checked.summary())
    if samples is not None:
        mc = uncertainty(table, spec, n=samples, seed=seed)
        result = result.join(mc.rank_stats.drop(columns="nominal_rank"))
        outputs += [
            (_beside(out_path, "sensitivity.csv"), _csv(mc.sensitivity)),
            (_beside(out_path, "removal.csv"), _csv(mc.removal)),
            (_beside(out_path, "rank_intervals.png"), _png(plot_rank_intervals(mc, names=names))),
        ]
        lines.append(mc.summary(names))
    frame = (table[["name"]] if "name" in table.columns else pd.DataFrame(index=table.index)).join(
        result
    )
    _write_all([(out_path, _csv(frame)), *outputs])
    above = result.index[result["above_average"]]
    label = [str(names.get(a, a)) for a in above]
    lines.insert(
        0,
        f"{len(above)} of {len(result)} municipalities above the average: "
        f"{', '.join(label)}; wrote {out_path}"
        + (f" and {len(outputs)} more files beside it" if outputs else ""),
    )
    for line in lines:
        click.echo(_printable(line))


def _init_spec(spec_path: Path | None, out_spec: Path) -> None:
    from ruhrgeo.index import load_spec, save_spec

    if out_spec.suffix.lower() != ".toml":
        raise InputError(f"--init-spec must end in .toml, got {out_spec.name!r}")
    spec = load_spec(spec_path)
    try:
        save_spec(spec, out_spec)
    except OSError as exc:
        raise InputError(
            f"cannot write {out_spec}: {exc.strerror or exc}; choose another --init-spec"
        ) from None
    click.echo(
        f"wrote the spec {spec.name!r} ({len(spec.names())} indicators) to {out_spec}; edit it "
        f"and run `ruhrgeo index TABLE --spec {out_spec} --out OUT.csv`"
    )


def _beside(out: Path, suffix: str) -> Path:
    return out.with_name(f"{out.stem}_{suffix}")


def _csv(frame: pd.DataFrame) -> Callable[[Path], Any]:
    from ruhrgeo.io.write import write_table

    return lambda path: write_table(frame, path)


def _png(figure: Any) -> Callable[[Path], Any]:
    from ruhrgeo.maps import save_png

    return lambda path: save_png(figure, path)


def _audit_table(checked: Any) -> pd.DataFrame:
    per_parent = checked.pca.join(checked.cronbach.rename("cronbach_alpha"))
    return checked.flags.join(per_parent, on="parent")


def _write_all(outputs: list[tuple[Path, Callable[[Path], Any]]]) -> None:
    """Write every output or none: a failure removes those already written."""
    done: list[Path] = []
    try:
        for path, write in outputs:
            write(path)
            done.append(path)
    except BaseException as exc:
        for written in done:
            written.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, RuhrgeoError):
            raise InputError(
                f"cannot write {path}: {exc.strerror or exc}; choose another --out"
            ) from None
        raise


def _printable(text: str) -> str:
    """Names from the table reach the terminal: control characters are shown, not obeyed."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
