"""Results as plain dictionaries for JSON output."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from ruhrgeo import spatial
from ruhrgeo.spillover import RadiusEstimate


def global_stats(
    gdf: pd.DataFrame, column: str, kind: str = "queen", **kwargs: Any
) -> dict[str, Any]:
    """Moran's I and the north/south test of ``column``, each with its summary."""
    result = spatial.moran(gdf, column, graph=kind, **kwargs)
    divide = spatial.north_south(gdf, column, **kwargs)
    return {
        "moran": {**dataclasses.asdict(result), "summary": result.summary()},
        "north_south": {**dataclasses.asdict(divide), "summary": divide.summary()},
    }


def estimate_json(result: RadiusEstimate) -> dict[str, Any]:
    """A radius estimate with its profile as records, significance and summary."""
    fields = dataclasses.asdict(result)
    fields["profile"] = result.profile.to_dict(orient="records")
    return {**fields, "significant": result.significant, "summary": result.summary()}
