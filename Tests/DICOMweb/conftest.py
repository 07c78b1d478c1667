"""What the DICOMweb tests share. They run against a live `intake serve` that the Swift test
`DICOMwebTests` starts over an ingested home, and are given through the environment:

DICOMWEB_URL       the server's base URL (…/dicomweb)
DICOMWEB_TOKEN     the Bearer token it requires, when it requires one
INTAKE_HOME        the home it serves (to compare answers with the stored files)
INTAKE_EXECUTABLE  the built `intake`, to list what the catalog holds
INTAKE_CATALOG     the catalog (PostgreSQL URL), when not the home's SQLite file
"""
import json
import os
import subprocess

import pytest
import requests
from dicomweb_client.api import DICOMwebClient

TS_FIXTURE_STUDY = "1.2.826.0.1.3680043.10.1470.1"


@pytest.fixture(scope="session")
def url():
    return os.environ["DICOMWEB_URL"]


@pytest.fixture(scope="session")
def headers():
    token = os.environ.get("DICOMWEB_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.fixture(scope="session")
def client(url, headers):
    return DICOMwebClient(url, headers=headers)


@pytest.fixture(scope="session")
def http(headers):
    session = requests.Session()
    session.headers.update(headers)
    return session


@pytest.fixture(scope="session")
def cataloged():
    """Every instance the catalog lists, as `intake query instances --format json` gives them."""
    output = subprocess.run(
        [os.environ["INTAKE_EXECUTABLE"], "query", "instances", "--format", "json"],
        check=True, capture_output=True, env=os.environ).stdout
    return json.loads(output)


@pytest.fixture(scope="session")
def stored_path():
    home = os.environ["INTAKE_HOME"]

    def path(instance):
        return os.path.join(home, "store", instance["submissionId"], instance["path"])

    return path


@pytest.fixture(scope="session")
def fixture_series(client):
    """The transfer-syntax fixture study's series by description: (SeriesInstanceUID, SOPInstanceUID)."""
    found = {}
    for series in client.search_for_series(TS_FIXTURE_STUDY):
        uid = series["0020000E"]["Value"][0]
        instances = client.search_for_instances(TS_FIXTURE_STUDY, uid)
        found[series["0008103E"]["Value"][0]] = (uid, instances[0]["00080018"]["Value"][0])
    return found


def parse_multipart(response):
    """Splits a multipart/related answer the way cornerstone's extractMultipart does: the boundary
    from the first line, each part's headers up to a blank line, its body up to CRLF--boundary.
    Returns [(headers dict, body bytes)]."""
    content_type = response.headers["Content-Type"]
    assert content_type.startswith("multipart/related"), content_type
    body = response.content
    first_line = body[: body.index(b"\r\n")]
    assert first_line.startswith(b"--")
    delimiter = b"\r\n" + first_line
    parts = []
    position = len(first_line) + 2
    while True:
        header_end = body.index(b"\r\n\r\n", position)
        headers = {}
        for line in body[position:header_end].split(b"\r\n"):
            name, value = line.split(b":", 1)
            headers[name.decode()] = value.decode().strip()
        end = body.index(delimiter, header_end + 4)
        parts.append((headers, body[header_end + 4:end]))
        position = end + len(delimiter)
        if body[position:position + 2] == b"--":
            return parts
        position += 2
