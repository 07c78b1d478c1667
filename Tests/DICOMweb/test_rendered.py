"""Rendered images and thumbnails: decodable JPEG and PNG of the stored images' size or smaller,
series and frames, and a clear 406 for pixel data DCMTK cannot decode here (JPEG 2000)."""
import io

import pytest
from PIL import Image

from conftest import TS_FIXTURE_STUDY, parse_multipart
from test_search import CT_STUDY


def image(data):
    decoded = Image.open(io.BytesIO(data))
    decoded.load()
    return decoded


@pytest.mark.parametrize("description", ["EXPLICIT LITTLE", "EXPLICIT BIG", "JPEG LOSSLESS", "JPEG-LS LOSSLESS", "RLE"])
def test_an_instance_rendered_with_dicomweb_client_is_a_jpeg_of_its_size(client, fixture_series, description):
    series, sop = fixture_series[description]
    rendered = client.retrieve_instance_rendered(TS_FIXTURE_STUDY, series, sop, media_types=("image/jpeg",))
    decoded = image(rendered)
    assert decoded.format == "JPEG" and decoded.size == (64, 48)


def test_png_when_asked_for_and_viewport_bounds_the_size(http, url, fixture_series):
    series, sop = fixture_series["EXPLICIT LITTLE"]
    base = f"{url}/studies/{TS_FIXTURE_STUDY}/series/{series}/instances/{sop}"
    response = http.get(f"{base}/rendered", headers={"Accept": "image/png"})
    assert response.headers["Content-Type"] == "image/png"
    assert image(response.content).format == "PNG"
    small = image(http.get(f"{base}/rendered?viewport=32,32", headers={"Accept": "image/jpeg"}).content)
    assert max(small.size) == 32
    assert http.get(f"{base}/rendered", headers={"Accept": "image/gif"}).status_code == 406
    assert http.get(f"{base}/rendered?viewport=huge").status_code == 400


def test_frames_of_a_multiframe_image_render_one_by_one(http, url, fixture_series):
    series, sop = fixture_series["MULTIFRAME RLE"]
    base = f"{url}/studies/{TS_FIXTURE_STUDY}/series/{series}/instances/{sop}/frames"
    first, third = (http.get(f"{base}/{n}/rendered", headers={"Accept": "image/png"}).content for n in (1, 3))
    assert image(first).size == image(third).size == (64, 48)
    assert first != third
    assert http.get(f"{base}/4/rendered", headers={"Accept": "image/png"}).status_code == 404


def test_thumbnails_of_a_study_a_series_and_an_instance(http, url):
    series = http.get(f"{url}/studies/{CT_STUDY}/series").json()
    uid = series[1]["0020000E"]["Value"][0]
    sop = http.get(f"{url}/studies/{CT_STUDY}/series/{uid}/instances").json()[0]["00080018"]["Value"][0]
    for path in (f"/studies/{CT_STUDY}", f"/studies/{CT_STUDY}/series/{uid}", f"/studies/{CT_STUDY}/series/{uid}/instances/{sop}"):
        response = http.get(f"{url}{path}/thumbnail", headers={"Accept": "image/jpeg"})
        assert response.status_code == 200, path
        assert max(image(response.content).size) <= 128


def test_a_series_rendered_is_every_image(client, http, url):
    series = http.get(f"{url}/studies/{CT_STUDY}/series").json()
    uid, count = next((s["0020000E"]["Value"][0], s["00201209"]["Value"][0]) for s in series if s["00201209"]["Value"][0] > 1)
    response = http.get(f"{url}/studies/{CT_STUDY}/series/{uid}/rendered", headers={"Accept": "image/jpeg"})
    parts = parse_multipart(response)
    assert len(parts) == count
    assert all(image(body).format == "JPEG" for _, body in parts)


def test_pixel_data_dcmtk_cannot_decode_is_not_acceptable_but_served_as_stored(http, url, fixture_series):
    series, sop = fixture_series["JPEG 2000"]
    base = f"{url}/studies/{TS_FIXTURE_STUDY}/series/{series}/instances/{sop}"
    rendered = http.get(f"{base}/rendered", headers={"Accept": "image/jpeg"})
    assert rendered.status_code == 406
    assert "DCMTK" in rendered.text
    # Asked for in the default Explicit VR Little Endian: only a decoder could, so 406.
    assert http.get(base, headers={"Accept": 'multipart/related; type="application/dicom"'}).status_code == 406
    assert http.get(
        f"{base}/frames/1", headers={"Accept": "multipart/related; type=application/octet-stream"}).status_code == 406
    stored = http.get(base, headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'})
    [(headers, _)] = parse_multipart(stored)
    assert headers["Content-Type"] == "application/dicom; transfer-syntax=1.2.840.10008.1.2.4.90"
    [(frame_headers, _)] = parse_multipart(http.get(
        f"{base}/frames/1", headers={"Accept": "multipart/related; type=application/octet-stream; transfer-syntax=*"}))
    assert frame_headers["Content-Type"] == "image/jp2; transfer-syntax=1.2.840.10008.1.2.4.90"
