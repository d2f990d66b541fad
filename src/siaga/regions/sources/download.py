"""Remote sources (a URL or 'public'): files fetched once into a cache with a SHA-256 manifest."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from siaga.regions.sources.layout import BOUNDARY_DIR, boundary_paths
from siaga.regions.sources.records import Progress, SourceError
from siaga.regions.sources.sql_dump import iter_sql_rows, read_text
from siaga.regions.sources.tables import (CENTROID_COLUMNS, CENTROID_LEVELS, HIERARCHY_COLUMNS, ISLAND_COLUMNS, level_code,
                                          open_csv, outside)

# The publishers' own files (needs internet). Hierarchy: idn-area-data, ODbL;
# boundaries: wilayah_boundaries by Cahya DSN, MIT.
PUBLIC_HIERARCHY_BASE = "https://raw.githubusercontent.com/fityannugroho/idn-area-data/main/data/"
PUBLIC_BOUNDARIES_BASE = "https://raw.githubusercontent.com/cahyadsn/wilayah_boundaries/main/db/"
DOWNLOAD_TIMEOUT_S = 60
MANIFEST_NAME = "manifest.json"


def _check_csv(columns: tuple[str, ...]) -> Callable[[Path], None]:
    def check(path: Path) -> None:
        rows, _, _ = open_csv(path, columns)
        for _ in rows:
            pass

    return check


def _check_sql(path: Path) -> None:
    for _ in iter_sql_rows(read_text(path), path):
        pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Cache:
    """Files fetched once into a directory laid out like a local source, with a SHA-256 manifest."""

    def __init__(self, root: Path, refresh: bool, stats: dict):
        self.root = root
        self.stats = stats
        self.manifest_path = root / MANIFEST_NAME
        self.manifest: dict = {}
        if self.manifest_path.is_file() and not refresh:
            try:
                self.manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                self.manifest = {}  # a damaged manifest only costs a fresh download

    def fetch(self, url: str, relpath: str, check: Callable[[Path], None], *, required: bool) -> bool:
        """Make ``relpath`` present (True) or known absent (False); a missing required file raises."""
        target = self.root / relpath
        entry = self.manifest.get(relpath)
        if entry and entry.get("url") == url:
            if entry.get("absent") and not required:
                self.stats["cache_hits"] += 1
                return False
            if not entry.get("absent") and target.is_file() and _sha256(target) == entry.get("sha256"):
                self.stats["cache_hits"] += 1
                return True
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        temp = Path(temp_name)
        try:
            digest, size = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as out:
                try:
                    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
                        for block in iter(lambda: response.read(1 << 20), b""):
                            out.write(block)
                            digest.update(block)
                            size += len(block)
                except urllib.error.HTTPError as exc:
                    if exc.code in (404, 410) and not required:
                        target.unlink(missing_ok=True)  # withdrawn upstream: stop reading the old copy
                        self._record(relpath, {"url": url, "absent": True})
                        return False
                    raise SourceError(f"unduhan gagal: HTTP {exc.code}", f"download failed: HTTP {exc.code}",
                                      url) from None
                except (urllib.error.URLError, OSError) as exc:
                    raise SourceError(f"unduhan gagal ({exc})", f"download failed ({exc})", url) from None
            self.stats["downloads"] += 1
            if size == 0:
                raise SourceError("unduhan kosong", "empty download", url)
            try:
                check(temp)
            except SourceError as exc:
                detail_line = f" (baris/line {exc.line})" if exc.line else ""
                raise SourceError(f"unduhan ditolak{detail_line}: {exc.message_id}",
                                  f"download rejected{detail_line}: {exc.message_en}", url) from None
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        self._record(relpath, {"url": url, "sha256": digest.hexdigest(), "bytes": size})
        return True

    def _record(self, relpath: str, entry: dict) -> None:
        self.manifest[relpath] = entry
        fd, temp_name = tempfile.mkstemp(dir=self.root, prefix=".manifest.", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(self.manifest, out, indent=1, sort_keys=True)
        os.replace(temp_name, self.manifest_path)


def remote_url(source: str, relpath: str) -> str | None:
    """Where ``relpath`` of the local layout lives for a URL source or for 'public'."""
    if source != "public":
        return source.rstrip("/") + "/" + relpath
    if relpath.startswith("hierarchy/"):
        return PUBLIC_HIERARCHY_BASE + relpath.removeprefix("hierarchy/")
    if relpath.startswith(BOUNDARY_DIR + "/"):
        return PUBLIC_BOUNDARIES_BASE + relpath.removeprefix(BOUNDARY_DIR + "/")
    return None  # the publishers have no centroid CSVs: the dumps carry the centroids


def fetch_remote(source: str, cache_dir: Path, provinces: set[str] | None, geometry: str,
                  refresh: bool, stats: dict, progress: Progress | None) -> Path:
    if geometry == "geojson":
        raise SourceError("GeoJSON hanya dibaca dari direktori lokal", "GeoJSON is read from local directories only",
                          source)
    key = "public" if source == "public" else "url-" + hashlib.sha256(source.encode()).hexdigest()[:16]
    root = Path(cache_dir) / key
    root.mkdir(parents=True, exist_ok=True)
    cache = _Cache(root, refresh, stats)
    plan = [(f"hierarchy/{stem}.csv", _check_csv(columns), True) for stem, columns in HIERARCHY_COLUMNS.items()]
    plan.append(("hierarchy/islands.csv", _check_csv(ISLAND_COLUMNS), False))
    plan += [(f"national/{level}_centroids.csv", _check_csv(CENTROID_COLUMNS), False) for level in CENTROID_LEVELS]

    def run(items):
        for relpath, check, required in items:
            url = remote_url(source, relpath)
            if url is None:
                continue
            if not cache.fetch(url, relpath, check, required=required):
                stats["files_absent"] += 1
            if progress:
                progress(0)

    run(plan)
    if geometry != "none":
        # Which dumps exist depends on the kab/kota list, known only now.
        regencies = root / "hierarchy/regencies.csv"
        rows, index, reader = open_csv(regencies, HIERARCHY_COLUMNS["regencies"])
        kabkota = [level_code(row[index["code"]], "kabkota", regencies, reader.line_num)
                   for row in rows if not outside(row[index["code"]], provinces)]
        run([(p, _check_sql, False) for p in boundary_paths(sorted({k[:2] for k in kabkota}), kabkota)])
    return root
