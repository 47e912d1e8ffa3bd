"""Municipal boundaries: read any OGR source (VG250 too), normalize the AGS, validate."""

from __future__ import annotations

import os

import geopandas as gpd
import shapely

from ruhrgeo._validate import normalize_ags, require_unique
from ruhrgeo.errors import (
    CRSMissingError,
    DuplicateIdError,
    EmptyGeometryError,
    InputTypeError,
    MissingColumnError,
)
from ruhrgeo.io.areas import (
    check_coordinates,
    checked_geometries,
    column_map,
    not_a_frame,
    pick_column,
    read_vector,
)

__all__ = ["read_municipalities"]

_VG250_LAND = 4  # GF 4: land area with structure; other GF values duplicate it or are water


def read_municipalities(
    source: str | os.PathLike[str] | gpd.GeoDataFrame,
    *,
    layer: str | None = None,
    id_col: str | None = None,
    name_col: str | None = None,
    make_valid: bool = False,
) -> gpd.GeoDataFrame:
    """Read municipal polygons, indexed by their 8-character AGS.

    Parameters
    ----------
    source
        A path to anything GDAL reads (GeoPackage, Shapefile, GeoJSON, a ``.zip`` of
        them) or a GeoDataFrame, which is validated the same way and never modified.
    layer
        The layer of a multi-layer source. Without it, a layer named ``vg250_gem`` or
        ``municipalities`` is taken, or the only layer.
    id_col, name_col
        Columns with the AGS and the name. Default: ``AGS``/``ags`` and ``GEN``/``name``
        (case-insensitive).
    make_valid
        Repair invalid polygons (``shapely.make_valid``, polygonal parts kept) instead
        of raising :class:`~ruhrgeo.errors.InvalidGeometryError`.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``ags`` (8-character string) with ``name``, ``geometry`` and the
        other attributes of the source; the CRS is kept. VG250 sources are filtered to
        ``GF == 4`` and dissolved by AGS; ``EWZ`` becomes ``population``.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        No file at ``source``.
    ruhrgeo.errors.FileFormatError
        A file GDAL cannot read, a table without geometries, several layers without ``layer``.
    ruhrgeo.errors.MissingColumnError
        No AGS or name column (name them with ``id_col``, ``name_col``).
    ruhrgeo.errors.MissingIdError
        AGS that are missing or not of 7 or 8 digits.
    ruhrgeo.errors.DuplicateIdError
        An AGS twice.
    ruhrgeo.errors.CRSMissingError
        No CRS.
    ruhrgeo.errors.InvalidGeometryError
        Invalid polygons (``make_valid=True`` repairs them).
    ruhrgeo.errors.EmptyGeometryError
        Empty or missing geometries, or no municipality at all.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> raw = gpd.GeoDataFrame({"AGS": [5913000], "GEN": ["Dortmund"]},
    ...                        geometry=[shapely.box(0, 0, 1000, 1000)], crs=25832)
    >>> munis = read_municipalities(raw)
    >>> munis.index.tolist(), munis.loc["05913000", "name"]
    (['05913000'], 'Dortmund')
    """
    if isinstance(source, gpd.GeoDataFrame):
        if (id_col, name_col) == (None, None) and _normalized(source):
            geometry = checked_geometries(source, make_valid, "`municipalities`")
            return source if geometry is source.geometry else source.set_geometry(geometry)
        frame = _from_frame(source)
        origin = "`municipalities`"
    elif isinstance(source, str | os.PathLike):
        frame = read_vector(source, layer)
        origin = f"`source` {os.fspath(source)!r}"
    else:
        raise InputTypeError(not_a_frame(source))
    if frame.crs is None:
        raise CRSMissingError(
            f"{origin} has no CRS; set one with `gdf.set_crs(25832)` (VG250 is in EPSG:25832)"
        )
    check_coordinates(frame, origin)
    columns = column_map(frame, origin)
    ags_column = pick_column(columns, id_col, ("ags",), "id_col", origin)
    name_column = pick_column(columns, name_col, ("gen", "name"), "name_col", origin)
    if name_col is None and {"gen", "name"} <= set(columns):
        raise MissingColumnError(
            f"{origin} has both {columns['gen']!r} and {columns['name']!r}; say which holds the "
            "municipality's name with `name_col=`"
        )
    vg250 = "gf" in columns
    if vg250:
        frame = frame[frame[columns["gf"]] == _VG250_LAND]
    if frame.empty:
        raise EmptyGeometryError(f"{origin} holds no municipality (after keeping GF == 4)")

    ags = normalize_ags(frame[ags_column].reset_index(drop=True), name=ags_column)
    renames = {ags_column: "ags", name_column: "name"}
    if "ewz" in columns:
        renames[columns["ewz"]] = "population"
    frame = frame.reset_index(drop=True).rename(columns=renames).assign(ags=ags.to_numpy())
    frame["name"] = frame["name"].astype(str)
    frame = frame.set_geometry(checked_geometries(frame, make_valid, origin))
    if vg250:
        frame = _dissolve(frame)
    require_unique(
        frame["ags"], "ags", "each municipality must appear once; dissolve parts by AGS first"
    )
    ordered = ["name", *(c for c in frame.columns if c not in ("ags", "name"))]
    return frame.set_index("ags")[ordered]


def _normalized(frame: gpd.GeoDataFrame) -> bool:
    """Whether ``frame`` is already what this function returns (only its geometries need
    checking): rows, a projected CRS, a unique index ``ags`` of 8-digit strings, ``name`` (text,
    none missing) first, and none of the columns the normalization renames, filters or
    dissolves."""
    index, columns = frame.index, [str(c).lower() for c in frame.columns]
    if (
        frame.empty
        or frame.crs is None
        or frame.crs.is_geographic
        or index.name != "ags"
        or index.dtype != "str"
        or not columns
        or frame.columns[0] != "name"
        or frame["name"].dtype != "str"
        or {"ags", "gen", "gf", "ewz"} & set(columns)
        or len(set(columns)) < len(columns)
    ):
        return False
    return bool(
        index.is_unique and index.str.fullmatch(r"[0-9]{8}").all() and frame["name"].notna().all()
    )


def _from_frame(source: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy with the AGS as a column (from the index when the index is named AGS)."""
    frame = source.copy()
    name = frame.index.name
    if name is not None and str(name).lower() == "ags":
        same = [c for c in frame.columns if str(c).lower() == "ags"]
        if same and not frame[same[0]].astype(str).equals(frame.index.to_series().astype(str)):
            raise DuplicateIdError(
                f"`municipalities` has an index {name!r} and a column {same[0]!r} with other "
                "values; keep one of them (e.g. `gdf.reset_index(drop=True)`)"
            )
        frame = frame.reset_index(drop=bool(same))
    return frame


def _dissolve(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not frame["ags"].duplicated().any():
        return frame
    geometry = frame.geometry.name
    merged = frame.groupby("ags", sort=False)[geometry].agg(shapely.union_all)
    first = frame.drop(columns=geometry).groupby("ags", sort=False).first()
    out = gpd.GeoDataFrame(first, geometry=gpd.GeoSeries(merged, crs=frame.crs), crs=frame.crs)
    return out.reset_index()
