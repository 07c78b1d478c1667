"""WADO-RS through dicomweb-client and plain requests: whole instances byte for byte, series as
3D Slicer downloads them, metadata that pydicom loads, frames equal to the pixels pydicom reads,
transfer syntax negotiation, and 406 where only a lossy conversion would do."""
import io

import numpy
import pytest
from pydicom import Dataset, dcmread
from pydicom.encaps import generate_frames

from conftest import TS_FIXTURE_STUDY, parse_multipart

EXPLICIT_LE = "1.2.840.10008.1.2.1"
LOSSLESS_SERIES = ["EXPLICIT LITTLE", "IMPLICIT LITTLE", "EXPLICIT BIG", "JPEG LOSSLESS", "JPEG-LS LOSSLESS", "RLE"]


def stored_file(cataloged, stored_path, sop):
    instance = next(instance for instance in cataloged if instance["SOPInstanceUID"] == sop)
    with open(stored_path(instance), "rb") as file:
        return file.read()


def reference_pixels(fixture_series, cataloged, stored_path, description="EXPLICIT LITTLE"):
    _, sop = fixture_series[description]
    return dcmread(io.BytesIO(stored_file(cataloged, stored_path, sop))).pixel_array


@pytest.mark.parametrize("description", LOSSLESS_SERIES + ["JPEG BASELINE", "MULTIFRAME RLE"])
def test_an_instance_as_stored_is_the_stored_file_byte_for_byte(http, url, fixture_series, cataloged, stored_path, description):
    series, sop = fixture_series[description]
    response = http.get(
        f"{url}/studies/{TS_FIXTURE_STUDY}/series/{series}/instances/{sop}",
        headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'})
    assert response.status_code == 200, response.text
    [(headers, body)] = parse_multipart(response)
    stored = stored_file(cataloged, stored_path, sop)
    assert body == stored
    assert headers["Content-Type"] == f"application/dicom; transfer-syntax={dcmread(io.BytesIO(stored)).file_meta.TransferSyntaxUID}"


def test_retrieve_instance_with_dicomweb_client(client, fixture_series):
    series, sop = fixture_series["JPEG-LS LOSSLESS"]
    instance = client.retrieve_instance(TS_FIXTURE_STUDY, series, sop)
    assert instance.SOPInstanceUID == sop
    assert instance.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.4.80"


@pytest.mark.parametrize("description", LOSSLESS_SERIES)
def test_a_series_as_slicer_downloads_it_is_explicit_little_endian_with_the_same_pixels(
        client, fixture_series, cataloged, stored_path, description):
    # iter_series sends no transfer syntax: the standard's default, Explicit VR Little Endian.
    series, _ = fixture_series[description]
    [instance] = list(client.iter_series(TS_FIXTURE_STUDY, series))
    assert instance.file_meta.TransferSyntaxUID == EXPLICIT_LE
    assert numpy.array_equal(instance.pixel_array, reference_pixels(fixture_series, cataloged, stored_path))


def test_a_lossy_image_is_decoded_never_reencoded(client, fixture_series):
    series, _ = fixture_series["JPEG BASELINE"]
    [instance] = list(client.iter_series(TS_FIXTURE_STUDY, series))
    assert instance.file_meta.TransferSyntaxUID == EXPLICIT_LE
    assert instance.pixel_array.shape == (48, 64)


def test_a_compressed_syntax_that_is_not_stored_is_not_acceptable(http, url, fixture_series):
    series, sop = fixture_series["EXPLICIT LITTLE"]
    for syntax in ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.90"):
        response = http.get(
            f"{url}/studies/{TS_FIXTURE_STUDY}/series/{series}/instances/{sop}",
            headers={"Accept": f'multipart/related; type="application/dicom"; transfer-syntax={syntax}'})
        assert response.status_code == 406, response.text


def test_a_whole_study_streams_every_instance(http, url, cataloged):
    response = http.get(
        f"{url}/studies/{TS_FIXTURE_STUDY}",
        headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'})
    parts = parse_multipart(response)
    assert len(parts) == 10
    assert {dcmread(io.BytesIO(body)).SOPInstanceUID for _, body in parts} == {
        instance["SOPInstanceUID"] for instance in cataloged
        if instance["SeriesInstanceUID"].startswith(TS_FIXTURE_STUDY + ".")}


@pytest.mark.parametrize("level", ["study", "series", "instance"])
def test_metadata_at_every_level_loads_with_pydicom(client, fixture_series, level):
    series, sop = fixture_series["MULTIFRAME RLE"]
    if level == "study":
        metadata = client.retrieve_study_metadata(TS_FIXTURE_STUDY)
        assert len(metadata) == 10
    elif level == "series":
        metadata = client.retrieve_series_metadata(TS_FIXTURE_STUDY, series)
    else:
        metadata = client.retrieve_instance_metadata(TS_FIXTURE_STUDY, series, sop)
        metadata = [metadata]
    for item in metadata:
        assert not any(key.startswith("0002") for key in item)
        assert "BulkDataURI" in item["7FE00010"]
        dataset = Dataset.from_json(item, bulk_data_uri_handler=lambda tag, vr, uri: None)
        assert dataset.AvailableTransferSyntaxUID
    if level != "study":
        [item] = metadata
        dataset = Dataset.from_json(item, bulk_data_uri_handler=lambda tag, vr, uri: None)
        assert dataset.NumberOfFrames == 3 and dataset.Rows == 48 and dataset.Columns == 64
        assert dataset.AvailableTransferSyntaxUID == "1.2.840.10008.1.2.5"
        assert str(dataset.PatientName) == "MÜLLER^RENÉ"
        assert dataset.SpecificCharacterSet == "ISO_IR 192"
        assert item["7FE00010"]["BulkDataURI"].startswith("http")
        assert f"/instances/{sop}/" in item["7FE00010"]["BulkDataURI"]


def test_metadata_of_a_large_series_of_a_real_disc(client):
    from test_search import MR_STUDY
    for series in client.search_for_series(MR_STUDY):
        uid = series["0020000E"]["Value"][0]
        metadata = client.retrieve_series_metadata(MR_STUDY, uid)
        assert len(metadata) == series["00201209"]["Value"][0]
        for item in metadata:
            Dataset.from_json(item, bulk_data_uri_handler=lambda tag, vr, uri: None)


@pytest.mark.parametrize("description", ["EXPLICIT LITTLE", "IMPLICIT LITTLE"])
def test_a_native_frame_is_the_pixel_bytes(client, fixture_series, cataloged, stored_path, description):
    series, sop = fixture_series[description]
    [frame] = client.retrieve_instance_frames(
        TS_FIXTURE_STUDY, series, sop, frame_numbers=[1], media_types=(("application/octet-stream", "*"),))
    assert frame == reference_pixels(fixture_series, cataloged, stored_path).astype("<u2").tobytes()


def test_frames_of_a_multiframe_image(client, fixture_series, cataloged, stored_path):
    series, sop = fixture_series["MULTIFRAME NATIVE"]
    pixels = dcmread(io.BytesIO(stored_file(cataloged, stored_path, sop))).pixel_array
    frames = client.retrieve_instance_frames(
        TS_FIXTURE_STUDY, series, sop, frame_numbers=[3, 1], media_types=(("application/octet-stream", "*"),))
    assert frames == [pixels[2].astype("<u2").tobytes(), pixels[0].astype("<u2").tobytes()]


@pytest.mark.parametrize("description, frames", [("RLE", 1), ("JPEG LOSSLESS", 1), ("MULTIFRAME RLE", 3)])
def test_an_encapsulated_frame_as_stored_is_its_fragments(http, url, fixture_series, cataloged, stored_path, description, frames):
    series, sop = fixture_series[description]
    stored = dcmread(io.BytesIO(stored_file(cataloged, stored_path, sop)))
    expected = list(generate_frames(stored.PixelData, number_of_frames=frames))
    for number in range(1, frames + 1):
        response = http.get(
            f"{url}/studies/{TS_FIXTURE_STUDY}/series/{series}/instances/{sop}/frames/{number}",
            headers={"Accept": "multipart/related; type=application/octet-stream; transfer-syntax=*"})
        [(headers, body)] = parse_multipart(response)
        assert body == expected[number - 1]
        assert headers["Content-Type"].endswith(f"transfer-syntax={stored.file_meta.TransferSyntaxUID}")


def test_an_encapsulated_frame_asked_for_uncompressed_is_decoded(http, url, fixture_series, cataloged, stored_path):
    series, sop = fixture_series["MULTIFRAME RLE"]
    native_series, native_sop = fixture_series["MULTIFRAME NATIVE"]
    pixels = dcmread(io.BytesIO(stored_file(cataloged, stored_path, native_sop))).pixel_array
    response = http.get(
        f"{url}/studies/{TS_FIXTURE_STUDY}/series/{series}/instances/{sop}/frames/2",
        headers={"Accept": "multipart/related; type=application/octet-stream"})
    [(headers, body)] = parse_multipart(response)
    assert headers["Content-Type"] == f"application/octet-stream; transfer-syntax={EXPLICIT_LE}"
    assert body == pixels[1].astype("<u2").tobytes()


def test_frames_that_do_not_exist(http, url, fixture_series):
    series, sop = fixture_series["MULTIFRAME NATIVE"]
    accept = {"Accept": "multipart/related; type=application/octet-stream; transfer-syntax=*"}
    base = f"{url}/studies/{TS_FIXTURE_STUDY}/series/{series}/instances/{sop}/frames"
    assert http.get(f"{base}/4", headers=accept).status_code == 404
    assert http.get(f"{base}/0", headers=accept).status_code == 400
    assert http.get(f"{base}/one", headers=accept).status_code == 400


def test_unknown_and_malformed_uids(http, url):
    assert http.get(f"{url}/studies/1.2.3.4.5/metadata").status_code == 404
    assert http.get(f"{url}/studies/..%2F..%2Fetc%2Fpasswd/metadata").status_code == 400
    assert http.get(f"{url}/studies/1.2.abc/series").status_code == 400


def test_every_bulk_data_uri_of_the_metadata_resolves(client, fixture_series, cataloged, stored_path):
    for description in ("EXPLICIT LITTLE", "IMPLICIT LITTLE", "MULTIFRAME RLE"):
        series, sop = fixture_series[description]
        [metadata] = [client.retrieve_instance_metadata(TS_FIXTURE_STUDY, series, sop)]
        stored = dcmread(io.BytesIO(stored_file(cataloged, stored_path, sop)))
        uris = {key: value["BulkDataURI"] for key, value in metadata.items() if "BulkDataURI" in value}
        assert {"7FE00010", "60003000"} <= set(uris)
        # A private value of an Implicit VR file is UN, which DCMTK writes inline.
        assert "00091010" in uris or metadata["00091010"]["InlineBinary"]
        icon_uri = metadata["00880200"]["Value"][0]["7FE00010"]["BulkDataURI"]
        assert icon_uri.endswith(f"/instances/{sop}/bulk/00880200/0/7FE00010")
        [icon] = client.retrieve_bulkdata(icon_uri)
        stored_icon = stored.IconImageSequence[0].PixelData
        if stored.file_meta.TransferSyntaxUID.is_compressed:
            stored_icon = b"".join(generate_frames(stored_icon, number_of_frames=1))
        assert icon == stored_icon
        for key, uri in uris.items():
            parts = client.retrieve_bulkdata(uri)
            if key != "7FE00010":
                assert parts == [stored[int(key, 16)].value]
            elif stored.file_meta.TransferSyntaxUID.is_compressed:
                assert parts == list(generate_frames(stored.PixelData, number_of_frames=stored.get("NumberOfFrames", 1)))
            else:
                assert parts == [stored.pixel_array.astype("<u2").tobytes()]


def test_bulk_data_that_does_not_exist(http, url, fixture_series):
    series, sop = fixture_series["EXPLICIT LITTLE"]
    base = f"{url}/studies/{TS_FIXTURE_STUDY}/series/{series}/instances/{sop}/bulk"
    assert http.get(f"{base}/00091012").status_code == 404
    assert http.get(f"{base}/nonsense").status_code == 400
    assert http.get(f"{base}/00880200/7/7FE00010").status_code == 404
    assert http.get(f"{base}/00880200/x/7FE00010").status_code == 400
    assert http.get(f"{base}/00880200").status_code == 406
