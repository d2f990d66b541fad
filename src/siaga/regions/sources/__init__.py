"""Read the official region data into plain records, from disk, a URL or the publishers.

No Django here: a loader elsewhere stores what this package returns. One job per module:
``records`` (the records and SourceError), ``geometry`` (repair, GeoJSON), ``tables`` (hierarchy,
centroid and island CSVs with DMS coordinates), ``geojson``, ``sql_dump`` (the MySQL-dump parser),
``layout`` (where a source's files lie), ``download`` (the cache of remote files) and ``merge``
(``read_source``: everything together).

Inputs (see the reference data README for the exact files):

* the hierarchy CSVs of the ``idn-area-data`` project (codes, names, parents,
  islands) — required;
* boundaries, either as GeoJSON (RFC 7946, lon/lat) or as the MySQL dumps of the
  ``wilayah_boundaries`` project (``path`` is a JSON array of ``[lat, lng]``
  rings: latitude first);
* centroid CSVs ``kode,nama,lat,lng`` — optional.

A source is a local directory laid out like the reference data
(``hierarchy/*.csv``, any ``*.geojson``, ``national/*_centroids.csv``,
``origin/wilayah_boundaries/**.sql``), an http(s) URL of that layout, or
``'public'``: the publishers' raw files on GitHub (needs internet). Remote
files are fetched once into ``cache_dir`` (temp file, check, rename; SHA-256 in
``manifest.json``) and re-used; a 404 for an optional file is remembered too.
HTTP cannot list folders, so remote sources are read from fixed paths and take
their geometry from the SQL dumps, never from GeoJSON.

Geometry decisions:

* Coordinates are rounded to 6 decimals (~0.1 m), the precision of the
  published GeoJSON, so the SQL dumps and the GeoJSON give the same shapes.
* Every geometry is repaired with ``shapely.make_valid`` (structure method) and reduced to its
  polygonal parts, always as a MultiPolygon (one shape type for the loader).
  Rings that cannot form a polygon are dropped; a geometry with nothing left
  is dropped; both are counted, never fatal.
* ``RegionRecord.geometry`` is a GeoJSON geometry string simplified for display
  (``DISPLAY_TOLERANCE_DEG``, ``DISPLAY_DECIMALS``);
  ``RegionRecord.geometry_full`` holds the unsimplified repaired geometry only
  when ``read_source(..., full_geometry=True)`` asks for it (it is large).
* The point of a region is the publisher's centroid from the boundary file,
  else the centroid CSV, else the ``representative_point`` of the geometry
  (always inside it). Provinces get no point.
"""

from siaga.regions.sources.download import MANIFEST_NAME, PUBLIC_BOUNDARIES_BASE, PUBLIC_HIERARCHY_BASE
from siaga.regions.sources.geojson import read_geojson
from siaga.regions.sources.geometry import geometry_to_geojson, repair_geometry
from siaga.regions.sources.merge import read_source
from siaga.regions.sources.records import (BoundaryRecord, IslandRecord, Progress, RegionRecord, SourceData,
                                           SourceError)
from siaga.regions.sources.sql_dump import iter_sql_rows, read_boundary_sql
from siaga.regions.sources.tables import parse_dms, read_centroids_csv, read_hierarchy_csv, read_islands_csv

__all__ = ["MANIFEST_NAME", "PUBLIC_BOUNDARIES_BASE", "PUBLIC_HIERARCHY_BASE", "BoundaryRecord", "IslandRecord",
           "Progress", "RegionRecord", "SourceData", "SourceError", "geometry_to_geojson", "iter_sql_rows",
           "parse_dms", "read_boundary_sql", "read_centroids_csv", "read_geojson", "read_hierarchy_csv",
           "read_islands_csv", "read_source", "repair_geometry"]
