"""Check-ins per second through the OpenRosa endpoint (as ODK Collect sends them) vs the JSON API, same run.

    python bench/bench_fieldapps.py [--quick]

Both paths go through the full Django stack in one process (WSGI handler, middleware, authentication, the
same operations service, the database), without a network socket, one request at a time:
- OpenRosa: HTTP Digest (MD5, qop=auth, nc counting up), multipart POST with xml_submission_file; the
  server reads the XForm instance, records it through tps_event_record, keeps the raw XML, an audit row.
- JSON API: POST /api/operations/events with a bearer token, the same TPS event.
Each submission is a fresh instance on its own TPS. The ratio is OpenRosa's cost per report over the
JSON API's. PostgreSQL when DATABASE_URL or SIAGA_BENCH_PG is set (a scratch database), else SQLite.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from machine import describe, machine  # noqa: E402


def _scratch_database():
    url = os.environ.get("DATABASE_URL") or os.environ.get("SIAGA_BENCH_PG")
    os.environ["SIAGA_HOME"] = tempfile.mkdtemp(prefix="bench_fieldapps_")
    if not url or not url.startswith("postgres"):
        os.environ.pop("DATABASE_URL", None)
        return None
    import psycopg

    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    scratch = "siaga_bench_fieldapps"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    os.environ["DATABASE_URL"] = f"{base}/{scratch}"
    return base, scratch


def _setup(tps_count):
    from siaga.cli import cli_actor, setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from siaga.regions.models import Region, Tps

    parent = None
    for code, level in (("74", 1), ("74.02", 2), ("74.02.01", 3), ("74.02.01.2001", 4)):
        parent = Region.objects.create(code=code, parent=parent, level=level, name=f"R{code}", kind="desa")
    Tps.objects.bulk_create([Tps(code=f"7402{n:09d}", desa=parent, kecamatan_code="74.02.01", kabkota_code="74.02",
                                 province_code="74", number=n % 1000 or 1, name=f"TPS {n}", voters=200)
                             for n in range(1, tps_count + 1)])
    return cli_actor()


class Digest:
    def __init__(self, client, username, key):
        self.client, self.username, self.key, self.nc, self.c = client, username, key, 0, None

    def header(self, method, uri):
        self.nc += 1
        nc, cnonce = f"{self.nc:08x}", uuid.uuid4().hex[:16]
        ha1 = hashlib.md5(f"{self.username}:{self.c['realm']}:{self.key}".encode()).hexdigest()
        ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
        response = hashlib.md5(f"{ha1}:{self.c['nonce']}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
        return (f'Digest username="{self.username}", realm="{self.c["realm"]}", nonce="{self.c["nonce"]}", '
                f'uri="{uri}", algorithm=MD5, response="{response}", qop=auth, nc={nc}, cnonce="{cnonce}"')

    def challenge(self):
        import re

        r = self.client.head("/odk/submission")
        self.c = dict(re.findall(r'(\w+)="?([^",]+)"?', r["WWW-Authenticate"]))


def bench(actor, n):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.utils import timezone

    from siaga.accounts.models import ApiToken
    from siaga.fieldapps.services import device_add
    from siaga.regions.models import Tps

    codes = list(Tps.objects.order_by("code").values_list("code", flat=True)[: 2 * n])
    _device, key = device_add(actor=actor, user=actor, name="bench")
    _token, bearer = ApiToken.issue(user=actor, name="bench")
    client = Client(HTTP_HOST="localhost")
    digest = Digest(client, actor.username, key)
    digest.challenge()

    def openrosa(code):
        xml = (f'<data id="siaga_checkin" version="b"><start>{timezone.now().isoformat()}</start><tps>{code}</tps>'
               f"<tahap>buka</tahap><meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>").encode()
        r = client.post("/odk/submission", {"xml_submission_file": SimpleUploadedFile("s.xml", xml, "text/xml")},
                        HTTP_AUTHORIZATION=digest.header("POST", "/odk/submission"), HTTP_X_OPENROSA_VERSION="1.0")
        assert r.status_code == 201, r.content

    def api(code):
        body = json.dumps({"client_id": str(uuid.uuid4()), "tps_code": code, "kind": "buka"})
        r = client.post("/api/operations/events", body, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {bearer}")
        assert r.status_code == 201, r.content

    result = {}
    for name, send, batch in (("json_api", api, codes[n:]), ("openrosa", openrosa, codes[:n])):
        send(batch[0])  # warm up (first query plans, the form registry)
        started = time.perf_counter()
        for code in batch[1:]:
            send(code)
        elapsed = time.perf_counter() - started
        result[name] = {"reports": len(batch) - 1, "seconds": round(elapsed, 3),
                        "per_second": round((len(batch) - 1) / elapsed, 1)}
    result["openrosa_over_json_api_time_per_report"] = round(
        result["json_api"]["per_second"] / result["openrosa"]["per_second"], 2)
    return result


def run(quick: bool) -> dict:
    scratch = _scratch_database()
    n = 100 if quick else 1000
    try:
        actor = _setup(2 * n + 2)
        result = {"machine": machine(), "database": "postgresql" if scratch else "sqlite",
                  "submissions": bench(actor, n)}
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(scratch[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch[1]}"')
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    result = run(parser.parse_args().quick)
    s = result["submissions"]
    print(f"Machine: {describe()} ({result['database']})")
    print(f"JSON API:  {s['json_api']['per_second']:,.1f} reports/s ({s['json_api']['reports']} reports)")
    print(f"OpenRosa:  {s['openrosa']['per_second']:,.1f} reports/s ({s['openrosa']['reports']} reports)")
    print(f"OpenRosa costs {s['openrosa_over_json_api_time_per_report']}x the JSON API's time per report")


if __name__ == "__main__":
    main()
