"""University spill-over: distance-decay access, allocation, reach, and the radius from data.

The names are imported on first use (``import ruhrgeo.spillover`` loads no GDAL).
"""

from ruhrgeo._lazy import exports

__all__, __getattr__, __dir__ = exports(
    __name__,
    {
        "KERNELS": "distance",
        "RadiusEstimate": "radius",
        "ReachResult": "allocation",
        "access": "distance",
        "allocate": "allocation",
        "distances_km": "distance",
        "estimate_radius": "radius",
        "kernel_weight": "distance",
        "reach": "allocation",
    },
)
