"""Results as plain dictionaries for JSON output."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from ruhrgeo import spatial
from ruhrgeo.spatial.graphs import GraphLike
from ruhrgeo.spillover import RadiusEstimate


def global_stats(
    gdf: pd.DataFrame,
    column: str,
    *,
    graph: GraphLike = "queen",
    permutations: int = 9999,
    seed: int = 0,
) -> dict[str, Any]:
    """Moran's I and the north/south test of ``column`` on the same weights, as JSON-able
    dictionaries each with its summary."""
    options = {"graph": graph, "permutations": permutations, "seed": seed}
    return {
        "moran": spatial.moran(gdf, column, **options).to_dict(),
        "north_south": spatial.north_south(gdf, column, **options).to_dict(),
    }


def estimate_json(result: RadiusEstimate) -> dict[str, Any]:
    """A radius estimate with its profile as records, significance and summary."""
    fields = dataclasses.asdict(result)
    fields["profile"] = result.profile.to_dict(orient="records")
    return {**fields, "significant": result.significant, "summary": result.summary()}
