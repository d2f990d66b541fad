"""Where one field report's time goes: POST /api/operations/events (and /events/batch) with a bearer token,
handled in-process by the WSGI application `siaga serve` runs, on the PostgreSQL bench database.

    python bench/profile_field_request.py [--requests 600] [--batch 50] [--out /tmp/profiles/after]

Prints, per request: wall time without the profiler, the cProfile breakdown (middleware, URL resolving, Ninja
parsing and validation, authentication, the service, SQL, the response) and the SQL statements it sends.
Writes the full cProfile listings next to the summary when --out is given. Run bench_operations.py once
first: it builds the bench database (SIAGA_BENCH_PG, default postgres://root@127.0.0.1:5432).
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

PG = os.environ.get("SIAGA_BENCH_PG", "postgres://root@127.0.0.1:5432")
KINDS = ("logistik", "buka", "pemungutan", "penghitungan", "selesai", "serah")

# (label, function names whose cumulative time it is): outermost first; "middleware" is derived.
PARTS = [
    ("handler total", [("base.py", "get_response")]),
    ("  Django _get_response (resolve + view)", [("base.py", "_get_response")]),
    ("URL resolving", [("resolvers.py", "resolve")]),
    ("Ninja: auth", [("operation.py", "_run_authentication")]),
    ("Ninja: parse + validate body", [("operation.py", "_get_values")]),
    ("view (service + shaping)", [("api.py", "event_post"), ("api.py", "event_batch_post")]),
    ("  service", [("events.py", "tps_events_record")]),
    ("  SQL (execute/executemany/commit)", [("utils.py", "_execute"), ("utils.py", "_executemany"),
                                            ("base.py", "commit")]),
    ("Ninja: response validate + render", [("operation.py", "_result_to_response")]),
    ("connection health check", [("base.py", "is_usable")]),
]


def environ(path, body, raw_token):
    data = body.encode()
    return {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(data)),
            "HTTP_AUTHORIZATION": f"Bearer {raw_token}", "HTTP_HOST": "127.0.0.1",
            "wsgi.input": io.BytesIO(data), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--out", default="")
    parser.add_argument("--timer", choices=("wall", "cpu"), default="cpu",
                        help="cpu: this process's CPU time (what limits a worker); wall: also the database's")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", f"{PG}/siaga_bench_ops")
    os.environ.setdefault("SIAGA_HOME", "/tmp/siaga_bench_ops")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siaga.config.settings")
    from siaga.config.wsgi import application

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from siaga.accounts.models import User
    from siaga.accounts.services import token_issue
    from siaga.cli import cli_actor
    from siaga.regions.models import Tps

    user = User.objects.get(username="bench.petugas")
    _, raw_token = token_issue(actor=cli_actor(), user=user, name=f"profile-{uuid.uuid4().hex[:6]}")
    codes = list(Tps.objects.filter(province_code="74").order_by("code").values_list("code", flat=True))
    counter = [int(time.time()) % 100_000]

    def next_events(n):
        out = []
        for _ in range(n):
            i = counter[0] = counter[0] + 1
            out.append({"client_id": str(uuid.uuid4()), "tps_code": codes[i % len(codes)],
                        "kind": KINDS[(i // len(codes)) % len(KINDS)]})
        return out

    def call(path, payload):
        status = []
        chunks = application(environ(path, json.dumps(payload), raw_token), lambda s, h: status.append(s))
        body = b"".join(chunks)
        getattr(chunks, "close", lambda: None)()
        assert status[0][:3] in ("200", "201"), (status, body[:300])
        return body

    single = ("/api/operations/events", lambda: next_events(1)[0], args.requests)
    batch = ("/api/operations/events/batch", lambda: {"events": next_events(args.batch)},
             max(20, args.requests // args.batch * 2))
    report = []
    for name, (path, make, n) in (("single event", single), (f"batch of {args.batch}", batch)):
        for _ in range(50):  # warm up: imports, the token cache, the connection
            call(path, make())
        payloads = [make() for _ in range(n)]
        started, cpu_started = time.perf_counter(), time.process_time()
        for p in payloads:
            call(path, p)
        wall_ms = (time.perf_counter() - started) * 1000 / n
        cpu_ms = (time.process_time() - cpu_started) * 1000 / n
        with CaptureQueriesContext(connection) as queries:
            call(path, make())
        statements = [q["sql"][:90] for q in queries.captured_queries]
        profiler = cProfile.Profile(time.process_time) if args.timer == "cpu" else cProfile.Profile()
        payloads = [make() for _ in range(n)]
        profiler.enable()
        for p in payloads:
            call(path, p)
        profiler.disable()
        stats = pstats.Stats(profiler)
        report.append(summarise(f"{name} ({args.timer} time)", n, wall_ms, cpu_ms, stats, statements))
        if args.out:
            listing = io.StringIO()
            pstats.Stats(profiler, stream=listing).sort_stats("cumulative").print_stats(60)
            Path(f"{args.out}-{name.split()[0]}-{args.timer}-cprofile.txt").write_text(listing.getvalue())
            profiler.dump_stats(f"{args.out}-{name.split()[0]}-{args.timer}.prof")
    text = "\n\n".join(report)
    print(text)
    if args.out:
        Path(f"{args.out}-{args.timer}-summary.txt").write_text(text + "\n")


def summarise(name, n, wall_ms, cpu_ms, stats, statements):
    total_profiled = max(ct for (_, _, fn), (_, _, _, ct, _) in stats.stats.items() if fn == "__call__")
    lines = [f"== {name}: without profiler {wall_ms:.2f} ms wall, {cpu_ms:.2f} ms CPU per request ({n} requests); "
             f"{total_profiled * 1000 / n:.2f} ms profiled", f"{'part':40} ms/request  share"]
    parts = {}
    for label, functions in PARTS:
        seconds = 0.0
        for (filename, _, fn), (_, _, _, ct, callers) in stats.stats.items():
            if (os.path.basename(filename), fn) in functions:
                # Only count outermost calls: skip entries whose callers are the same function (recursion).
                seconds += ct
        parts[label] = seconds
    handler = parts["handler total"]
    lines.append(f"{'WSGI __call__ (all)':40} {total_profiled * 1000 / n:8.3f}")
    lines.append(f"{'  outside the handler (WSGI, signals, response)':40} "
                 f"{(total_profiled - handler) * 1000 / n:8.3f}  {(total_profiled - handler) / total_profiled:5.0%}")
    for label, seconds in parts.items():
        lines.append(f"{label:40} {seconds * 1000 / n:8.3f}  {seconds / total_profiled:5.0%}")
    ninja = sum(parts[k] for k in ("Ninja: auth", "Ninja: parse + validate body", "view (service + shaping)",
                                   "Ninja: response validate + render"))
    run = sum(ct for (f, _, fn), (_, _, _, ct, _) in stats.stats.items() if fn == "run"
              and f.endswith("ninja/operation.py"))
    lines.append(f"{'Ninja Operation.run (all of the above)':40} {run * 1000 / n:8.3f}  {run / total_profiled:5.0%}")
    lines.append(f"{'  of which Ninja glue (run - parts)':40} {(run - ninja) * 1000 / n:8.3f}")
    middle = handler - parts["  Django _get_response (resolve + view)"]
    lines.append(f"{'middleware (handler - _get_response)':40} {middle * 1000 / n:8.3f}  {middle / total_profiled:5.0%}")
    lines.append(f"SQL statements in one request ({len(statements)}, the health check's SELECT 1 not counted):")
    lines.extend(f"  {s}" for s in statements)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
