"""The labels of local statistics and their fixed colors, shared by the statistics, their
plots and the maps (a light module: no esda to import for a map)."""

from __future__ import annotations

__all__ = ["CLUSTER_COLORS", "CLUSTER_LABELS", "QUADRANTS", "SPOT_LABELS"]

# esda's quadrants: 1 HH, 2 LH, 3 LL, 4 HL
QUADRANTS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
CLUSTER_LABELS: tuple[str, ...] = (
    "High-High",
    "Low-Low",
    "High-Low",
    "Low-High",
    "Not significant",
)
SPOT_LABELS: tuple[str, ...] = ("Hot spot", "Cold spot", "Not significant")
# the colors of LISA cluster maps in GeoDa and splot
CLUSTER_COLORS: dict[str, str] = {
    "High-High": "#d7191c",
    "Low-Low": "#2c7bb6",
    "High-Low": "#fdae61",
    "Low-High": "#abd9e9",
    "Not significant": "#d3d3d3",
}
