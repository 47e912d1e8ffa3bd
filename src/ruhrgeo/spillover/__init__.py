"""University spill-over: distance-decay access, allocation, reach, and the radius from data."""

from ruhrgeo.spillover.allocation import ReachResult, allocate, reach
from ruhrgeo.spillover.distance import KERNELS, access, distances_km, kernel_weight
from ruhrgeo.spillover.radius import RadiusEstimate, estimate_radius

__all__ = [
    "KERNELS",
    "RadiusEstimate",
    "ReachResult",
    "access",
    "allocate",
    "distances_km",
    "estimate_radius",
    "kernel_weight",
    "reach",
]
