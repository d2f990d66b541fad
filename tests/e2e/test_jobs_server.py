"""An import posted to the real `siaga serve` is queued (202) and run by the server's job thread, not the request."""

import json
import subprocess
import sys
import time
import uuid

from tests.e2e.test_live_load import connect, request


def multipart(name, filename, data):
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_observation_import_runs_as_a_job_in_the_server(server):
    done = subprocess.run([sys.executable, "-m", "siaga", "user", "analis.jobs", "--agency", "POLDA-74", "--role",
                           "analis", "--password", "siaga-demo-2024", "--token", "jobs"], env=server["env"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    token = json.loads(done.stdout)["token"]
    conn = connect(server)
    status, body, _ = request(conn, "GET", "/api/tps?area=74.01&election=pemilu&limit=3", token)
    codes = [t["code"] for t in json.loads(body)["items"]]
    rows = "".join(f"{code},P24.HAK.01,4,intelkam,2024-02-01\n" for code in codes)
    data, content_type = multipart("file", "observasi.csv", ("kode,indikator,nilai,sumber,tanggal\n" + rows).encode())
    conn.request("POST", "/api/risk/observations/import", body=data,
                 headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})
    response = conn.getresponse()
    job = json.loads(response.read())
    assert response.status == 202 and job["state"] in ("queued", "running", "done"), job
    for _ in range(600):  # bounded: the job thread picks it up after the commit
        status, body, _ = request(conn, "GET", job["status"], token)
        job = json.loads(body)
        if job["state"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    assert job["result"]["created"] + job["result"]["updated"] + job["result"]["unchanged"] == len(codes)
