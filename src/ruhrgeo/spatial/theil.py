"""The share of a value's inequality that lies between north and south: Theil's T
decomposed (``inequality.theil.TheilDSim``) with a permutation p-value."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo import _params
from ruhrgeo._validate import column_values
from ruhrgeo.errors import StatisticsError
from ruhrgeo.io.areas import as_keyed
from ruhrgeo.spatial._checks import check_permutations, seeded
from ruhrgeo.spatial.divide import Divide, sides

__all__ = ["TheilResult", "theil_divide"]


@dataclass(frozen=True)
class TheilResult:
    """Theil's T of a column and its share between north and south.

    ``T`` = ``between`` + ``within``; ``between_share`` = ``between / T``; ``p_sim`` the
    share of random north/south splits of the same sizes (permutations, plus the observed
    one) whose between part is at least the observed one (``TheilDSim.bg_pvalue``).

    Attributes
    ----------
    column : str
        The column decomposed.
    T, between, within : float
        Theil's T and its parts between and within north and south (``T = between + within``).
    between_share : float
        ``between / T``.
    p_sim : float
        The share of random splits of the same sizes with at least as large a between part.
    permutations : int
        The random splits drawn.
    divide : str
        The divide used.
    n_north, n_south : int
        Areas on each side.
    inequality : inequality.theil.TheilDSim
        inequality's object.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c * 1e4, r * 1e4, (c + 1) * 1e4, (r + 1) * 1e4)
    ...          for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [10.0 + 5 * (r >= 2) + c for r in range(4)
    ...                               for c in range(4)]}, geometry=cells, crs=25832)
    >>> round(spatial.theil_divide(gdf.rename_axis("cell"), "v", permutations=99).T, 4)
    0.0193
    """

    column: str
    T: float
    between: float
    within: float
    between_share: float
    p_sim: float
    permutations: int
    divide: str
    n_north: int
    n_south: int
    inequality: Any = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able fields and the summary (without inequality's object)."""
        fields = {k: v for k, v in self.__dict__.items() if k != "inequality"}
        return {**fields, "summary": self.summary()}

    def summary(self) -> str:
        """One sentence in plain language."""
        return (
            f"{self.between_share:.1%} of the inequality of {self.column} (Theil's T = "
            f"{self.T:.3f}) lies between north and south (divide {self.divide}); "
            f"p_sim = {self.p_sim:.4f} from {self.permutations} random splits."
        )


def theil_divide(
    gdf: pd.DataFrame,
    column: str,
    *,
    divide: Divide = None,
    permutations: int = 9999,
    seed: int = 0,
) -> TheilResult:
    """The share of ``column``'s inequality between north and south (Theil decomposition).

    Theil's T needs non-negative values (shares, counts), so negative ones are refused.
    The p-value reshuffles the values over the municipalities (inequality's
    ``TheilDSim``): how often does a random split of the same sizes put as much
    inequality between the two sides?

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        A column of non-negative values.
    divide
        Where north ends: a latitude (degrees), a northing (meters), a shapely ``LineString``
        in the data's CRS, or None for the median northing of the centroids.
    permutations
        Permutations of the pseudo p-value ``p_sim`` (0: none).
    seed
        Seed of the permutations: the same seed gives the same ``p_sim`` as esda.

    Returns
    -------
    TheilResult
        Theil's T, its between and within parts, the between share and its p-value.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        The column is not in ``gdf``.
    ruhrgeo.errors.MissingValuesError
        Missing or non-numeric values.
    ruhrgeo.errors.ConstantValuesError
        A column without variation.
    ruhrgeo.errors.TooFewObservationsError
        Fewer than 8 areas.
    ruhrgeo.errors.ParameterError
        Permutations, seed or graph options out of range.
    ruhrgeo.errors.GraphMismatchError
        A given graph that does not fit the areas.

    ruhrgeo.errors.StatisticsError
        Negative values.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c * 1e4, r * 1e4, (c + 1) * 1e4, (r + 1) * 1e4)
    ...          for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [10.0 + 5 * (r >= 2) + c for r in range(4)
    ...                               for c in range(4)]}, geometry=cells, crs=25832)
    >>> gdf = gdf.rename_axis("cell")
    >>> result = theil_divide(gdf, "v", permutations=99)
    >>> round(result.between_share, 3), result.p_sim
    (0.829, 0.01)
    """
    gdf = as_keyed(gdf)
    from inequality.theil import TheilDSim  # imports matplotlib.pyplot: only when needed

    permutations = check_permutations(permutations)
    seed = _params.seed(seed)
    y = column_values(gdf, column)
    with contextlib.suppress(TypeError):  # sorted by AGS: permutations ignore the row order
        y = y.sort_index()
    if (y < 0).any():
        raise StatisticsError(
            f"Theil's T needs non-negative `{column}`, but {list(y.index[y < 0][:5])} are negative"
        )
    _, is_north, label = sides(gdf, y.index, divide)
    partition = np.where(is_north, "north", "south")
    with seeded(seed):
        sim = TheilDSim(y.to_numpy(), partition, permutations)
    total, between = float(np.ravel(sim.T)[0]), float(np.ravel(sim.bg[0])[0])
    return TheilResult(
        column=column,
        T=total,
        between=between,
        within=total - between,
        between_share=between / total,
        p_sim=float(np.ravel(sim.bg_pvalue)[0]) if permutations else np.nan,
        permutations=permutations,
        divide=label,
        n_north=int(is_north.sum()),
        n_south=int((~is_north).sum()),
        inequality=sim,
    )
