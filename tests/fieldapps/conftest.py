"""A client that speaks OpenRosa as ODK Collect does, and the users and devices the tests submit as."""

import hashlib
import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

CHALLENGE = re.compile(r'(\w+)="?([^",]+)"?')


class Collect:
    """ODK Collect's side of the protocol: a HEAD to /submission, answered 401 with a Digest challenge, the
    Digest answer (MD5, qop=auth, nc counting up, a fresh cnonce), then the multipart POST with
    xml_submission_file and one part per attachment named by its file name. Or a key in the URL path."""

    def __init__(self, username=None, key=None, in_path=False, client=None):
        self.username, self.key, self.in_path = username, key, in_path
        self.client = client or Client()
        self.challenge, self.nc = None, 0
        self.base = f"/odk/key/{key}/" if in_path else "/odk/"

    def _authorization(self, method, uri):
        if self.in_path or self.challenge is None:
            return {}
        self.nc += 1
        nc, cnonce = f"{self.nc:08x}", uuid.uuid4().hex[:16]
        c = self.challenge
        ha1 = hashlib.md5(f"{self.username}:{c['realm']}:{self.key}".encode()).hexdigest()
        ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
        response = hashlib.md5(f"{ha1}:{c['nonce']}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
        header = (f'Digest username="{self.username}", realm="{c["realm"]}", nonce="{c["nonce"]}", uri="{uri}", '
                  f'algorithm=MD5, response="{response}", qop=auth, nc={nc}, cnonce="{cnonce}", '
                  f'opaque="{c["opaque"]}"')
        return {"HTTP_AUTHORIZATION": header}

    def request(self, method, path, **kwargs):
        uri = self.base + path
        headers = {"HTTP_X_OPENROSA_VERSION": "1.0", "HTTP_DATE": "Tue, 14 Feb 2024 01:00:00 GMT"}
        call = getattr(self.client, method.lower())
        response = call(uri, **kwargs, **headers, **self._authorization(method, uri))
        if response.status_code == 401 and not self.in_path:
            assert response["WWW-Authenticate"].startswith("Digest ")
            self.challenge, self.nc = dict(CHALLENGE.findall(response["WWW-Authenticate"])), 0
            response = call(uri, **kwargs, **headers, **self._authorization(method, uri))
        return response

    def get(self, path):
        return self.request("GET", path)

    def submit(self, xml: bytes, attachments=()):
        """HEAD first (Collect learns the size limit), then the POST; returns the POST's response."""
        head = self.request("HEAD", "submission")
        assert head.status_code == 204, head.content
        assert int(head["X-OpenRosa-Accept-Content-Length"]) > 0
        parts = {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, "text/xml")}
        for name, raw, content_type in attachments:
            parts[name] = SimpleUploadedFile(name, raw, content_type)
        return self.request("POST", "submission", data=parts)


def instance(form_id, answers: str, instance_id=None, version="v1"):
    """A submitted instance as Collect writes it."""
    instance_id = instance_id or f"uuid:{uuid.uuid4()}"
    return (f'<?xml version="1.0"?><data xmlns:jr="http://openrosa.org/javarosa" '
            f'xmlns:orx="http://openrosa.org/xforms" id="{form_id}" version="{version}">{answers}'
            f"<meta><instanceID>{instance_id}</instanceID></meta></data>").encode(), instance_id


def jpeg(size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def polsek(db):
    """A Polsek operator of kecamatan 74.01.04 with one device (its key as the Digest password)."""
    from siaga.accounts.models import Agency, Role
    from siaga.accounts.services import user_upsert
    from siaga.cli import cli_actor
    from siaga.fieldapps.services import device_add

    user = user_upsert(actor=cli_actor(), username="polsek.odk-7401-04", password="Kata-Sandi-Uji-2024",
                       agency=Agency.objects.get(code="POLSEK-74.01.04"), role=Role.OPERATOR)
    device, key = device_add(actor=cli_actor(), user=user, name="HP dinas 1")
    return user, device, key


@pytest.fixture
def collect(polsek):
    user, _device, key = polsek
    return Collect(user.username, key)


@pytest.fixture
def own_tps(polsek):
    from siaga.regions.models import Tps

    return lambda n=1: list(Tps.objects.filter(election="pemilu", kecamatan_code="74.01.04").order_by("-code")[:n])
