"""A client of the ODK Central REST API, the one outside boundary of the field apps (KoboToolbox's KPI speaks its
own API; a Kobo server exposing Central's API works alike).

Only what a pull needs: sign in (POST /v1/sessions) unless given a token, list a form's submissions
(GET /v1/projects/{p}/forms/{f}/submissions), fetch one instance's XML (.../submissions/{id}.xml) and its
attachments (.../submissions/{id}/attachments[/{name}]). Standard library HTTP, JSON and timeouts."""

import json
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT_SECONDS = 30


class CentralError(Exception):
    """The server could not be reached or answered an error; the message names the URL and status."""


class Central:
    def __init__(self, server: str, *, token=None, email=None, password=None, opener=None):
        self.base = server.rstrip("/")
        if not self.base.endswith("/v1"):
            self.base += "/v1"
        self._open = opener or urllib.request.urlopen
        self.token = token
        if not token and email:
            self.token = self._json("POST", "/sessions", {"email": email, "password": password or ""})["token"]

    def _request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with self._open(request, timeout=TIMEOUT_SECONDS) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raise CentralError(f"{method} {self.base + path}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise CentralError(f"{method} {self.base + path}: {getattr(exc, 'reason', exc)}") from None

    def _json(self, method, path, body=None):
        raw, _type = self._request(method, path, body)
        try:
            return json.loads(raw)
        except ValueError:
            raise CentralError(f"{method} {self.base + path}: not JSON") from None

    def _form(self, project, form):
        return f"/projects/{urllib.parse.quote(str(project))}/forms/{urllib.parse.quote(form)}"

    def submissions(self, project, form) -> list[dict]:
        """The form's submissions, oldest first: dicts with instanceId and createdAt."""
        rows = self._json("GET", self._form(project, form) + "/submissions")
        return sorted(rows, key=lambda r: (r.get("createdAt") or "", r.get("instanceId") or ""))

    def submission_xml(self, project, form, instance_id) -> bytes:
        return self._request("GET", f"{self._form(project, form)}/submissions/"
                                    f"{urllib.parse.quote(instance_id)}.xml")[0]

    def attachments(self, project, form, instance_id) -> dict:
        """name -> (bytes, content type) of the attachments the server holds for one submission."""
        base = f"{self._form(project, form)}/submissions/{urllib.parse.quote(instance_id)}/attachments"
        files = {}
        for entry in self._json("GET", base):
            if entry.get("exists"):
                raw, content_type = self._request("GET", f"{base}/{urllib.parse.quote(entry['name'])}")
                files[entry["name"]] = (raw, content_type or "application/octet-stream")
        return files
