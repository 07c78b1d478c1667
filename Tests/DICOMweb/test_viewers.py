"""The exact request shapes of OHIF (its Accept headers, includefield lists, wildcard-wrapped
filters, limit=101) and of Weasis (hex includefields, following RetrieveURLs), from
shared/DICOMWEB-NOTES.md."""
from pydicom import Dataset

from conftest import parse_multipart
from test_search import MR_STUDY

OHIF_FRAME_ACCEPT = "multipart/related; type=application/octet-stream; transfer-syntax=*"


def test_ohif_study_list(http, url):
    response = http.get(
        f"{url}/studies?PatientName=*doe*&00100020=*405*&AccessionNumber=*2024*&StudyDescription=*CERVICAL*"
        "&ModalitiesInStudy=MR&StudyDate=20240101-20241231&limit=101&offset=0&fuzzymatching=false"
        "&includefield=00081030,00080060,00080090,00100030",
        headers={"Accept": "application/dicom+json"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/dicom+json"
    [study] = response.json()
    for tag in ("0020000D", "00080020", "00080030", "00080050", "00100020", "00100010", "00201208", "00080061"):
        assert tag in study
    assert study["00201208"]["Value"] == [48]


def test_ohif_opens_a_study_lazily(http, url):
    series = http.get(
        f"{url}/studies/{MR_STUDY}/series?includefield=0008103E,00080021",
        headers={"Accept": "application/dicom+json"}).json()
    assert len(series) == 3
    # Some OHIF versions send the frame media type along with JSON to /metadata: JSON must win.
    for accept in ("application/dicom+json", f"application/dicom+json, {OHIF_FRAME_ACCEPT}; transfer-syntax=*"):
        uid = series[0]["0020000E"]["Value"][0]
        response = http.get(f"{url}/studies/{MR_STUDY}/series/{uid}/metadata", headers={"Accept": accept})
        assert response.status_code == 200, response.text
        metadata = response.json()
        first = Dataset.from_json(metadata[0], bulk_data_uri_handler=lambda tag, vr, uri: None)
        sop = first.SOPInstanceUID
    frame = http.get(
        f"{url}/studies/{MR_STUDY}/series/{uid}/instances/{sop}/frames/1", headers={"Accept": OHIF_FRAME_ACCEPT})
    [(headers, body)] = parse_multipart(frame)
    # cornerstone reads the part type from a line starting exactly "Content-Type:" and falls back to
    # Implicit VR LE when the transfer syntax is not named.
    assert b"\r\nContent-Type: application/octet-stream; transfer-syntax=" in frame.content[:200]
    assert len(body) == first.Rows * first.Columns * first.BitsAllocated // 8


def test_weasis_follows_retrieve_urls_with_hex_includefields(http, url):
    studies = http.get(
        f"{url}/studies?0020000D={MR_STUDY}&includefield=00080020,00080030,00080050,00080061,00080090,"
        "00081030,00100010,00100020,00100021,00100030,00100040,0020000D,00200010").json()
    assert len(studies) == 1
    series = http.get(
        f"{url}/studies/{MR_STUDY}/series?includefield=0008103E,00080060,0020000E,00200011,00081190").json()
    retrieve_url = series[0]["00081190"]["Value"][0]
    instances = http.get(f"{retrieve_url}/instances?includefield=00080018,00200013,00081190").json()
    instance_url = instances[0]["00081190"]["Value"][0]
    response = http.get(instance_url, headers={"Accept": 'multipart/related;type="application/dicom";transfer-syntax=*'})
    [(headers, body)] = parse_multipart(response)
    assert headers["Content-Type"].startswith("application/dicom; transfer-syntax=")
    assert body[128:132] == b"DICM"


def test_weasis_launched_by_series_or_sop_uid(http, url):
    series = http.get(f"{url}/studies/{MR_STUDY}/series").json()[0]["0020000E"]["Value"][0]
    by_series = http.get(f"{url}/series?0020000E={series}").json()
    assert [result["0020000E"]["Value"][0] for result in by_series] == [series]
    sop = http.get(f"{url}/studies/{MR_STUDY}/series/{series}/instances").json()[0]["00080018"]["Value"][0]
    by_sop = http.get(f"{url}/instances?00080018={sop}").json()
    assert [result["00080018"]["Value"][0] for result in by_sop] == [sop]


def test_a_client_that_goes_away_mid_series_leaves_the_server_serving(url, headers, http):
    import socket
    from urllib.parse import urlparse

    series = http.get(f"{url}/studies/{MR_STUDY}/series").json()[0]["0020000E"]["Value"][0]
    target = urlparse(url)
    for _ in range(3):
        connection = socket.create_connection((target.hostname, target.port))
        request = (
            f"GET {target.path}/studies/{MR_STUDY}/series/{series} HTTP/1.1\r\nHost: {target.netloc}\r\n"
            'Accept: multipart/related; type="application/dicom"; transfer-syntax=*\r\n'
            + "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n")
        connection.sendall(request.encode())
        connection.recv(1024)
        connection.close()
    assert http.get(f"{url}/studies").status_code == 200


def test_urls_follow_what_a_proxy_forwarded(http, url):
    response = http.get(
        f"{url}/studies/{MR_STUDY}/series",
        headers={"X-Forwarded-Host": "pacs.example.org", "X-Forwarded-Proto": "https"})
    retrieve_url = response.json()[0]["00081190"]["Value"][0]
    assert retrieve_url.startswith(f"https://pacs.example.org/dicomweb/studies/{MR_STUDY}/series/")


def test_a_viewer_from_the_allowed_origin_may_read_answers(url, http):
    import os

    import requests

    origin = os.environ["DICOMWEB_ALLOWED_ORIGIN"]
    # The browser's preflight carries no token, even where the server requires one.
    preflight = requests.options(
        f"{url}/studies", headers={
            "Origin": origin, "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, accept"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    answer = http.get(f"{url}/studies", headers={"Origin": origin})
    assert answer.headers["Access-Control-Allow-Origin"] == origin
