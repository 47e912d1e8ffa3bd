"""The names of the library's choices, in one module without imports: the command line shows
them in its help without loading the statistics. The modules that implement each choice take
their list from here (and a test checks that the registries hold exactly these names)."""

GRAPH_KINDS: tuple[str, ...] = ("queen", "rook", "knn", "distance", "kernel")
GRAPH_KERNELS: tuple[str, ...] = (
    "gaussian",
    "triangular",
    "parabolic",
    "bisquare",
    "cosine",
    "boxcar",
    "exponential",
)
DECAY_KERNELS: tuple[str, ...] = ("uniform", "linear", "gaussian", "exponential")
RATE_METHODS: tuple[str, ...] = (
    "raw",
    "empirical_bayes",
    "spatial_empirical_bayes",
    "spatial_rate",
)
REGION_METHODS: tuple[str, ...] = ("maxp", "skater", "ward")
NORMALIZATIONS: tuple[str, ...] = (
    "minmax",
    "zscore",
    "scaled",
    "goalposts",
    "rank",
    "borda",
    "prank",
    "fracmax",
    "dist2max",
    "dist2ref",
    "dist2targ",
    "reference",
)
AGGREGATIONS: tuple[str, ...] = ("amean", "gmean", "hmean", "genmean", "copeland")
MISSING: tuple[str, ...] = ("error", "skip", "mean", "median")
TREATMENTS: tuple[str | None, ...] = (None, "winsorize", "log", "boxcox")
LOCALES: tuple[str, ...] = ("en", "de")  # the languages of map pages and figures
