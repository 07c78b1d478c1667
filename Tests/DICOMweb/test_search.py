"""QIDO-RS through dicomweb-client and plain requests: every level, the filters the CLI has,
includefield, paging the way 3D Slicer pages, and answers that load with pydicom."""
import pytest
from pydicom import Dataset

from conftest import TS_FIXTURE_STUDY

MR_STUDY = "2.25.194756210179948891894618798673876765174"
CT_STUDY = "2.25.282508804042799702347409067860013032003"


def uids(results, tag="0020000D"):
    return sorted(result[tag]["Value"][0] for result in results)


def test_studies_load_with_pydicom_and_carry_the_counts(client):
    studies = client.search_for_studies()
    assert uids(studies) == sorted([MR_STUDY, CT_STUDY, TS_FIXTURE_STUDY])
    by_uid = {result["0020000D"]["Value"][0]: Dataset.from_json(result) for result in studies}
    mr = by_uid[MR_STUDY]
    assert str(mr.PatientName) == "DOE^JANE"
    assert mr.ModalitiesInStudy == "MR"
    assert mr.NumberOfStudyRelatedSeries == 3
    assert mr.NumberOfStudyRelatedInstances == 48
    assert mr.RetrieveURL.endswith(f"/dicomweb/studies/{MR_STUDY}")
    assert str(by_uid[TS_FIXTURE_STUDY].PatientName) == "MÜLLER^RENÉ"


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"PatientName": "doe*"}, [MR_STUDY]),
        ({"PatientName": "*richard*"}, [CT_STUDY]),
        ({"00100010": "muller^rene"}, [TS_FIXTURE_STUDY]),
        ({"PatientName": "M?LLER*"}, [TS_FIXTURE_STUDY]),
        ({"PatientID": "MR40511"}, [MR_STUDY]),
        ({"00100020": "*882*"}, [CT_STUDY]),
        ({"StudyDate": "20240101-20241231"}, [CT_STUDY, MR_STUDY]),
        ({"StudyDate": "-20231231"}, [TS_FIXTURE_STUDY]),
        ({"StudyDate": "20240401-"}, [MR_STUDY]),
        ({"StudyDate": "20240302"}, [CT_STUDY]),
        ({"ModalitiesInStudy": "MR"}, [MR_STUDY]),
        ({"ModalitiesInStudy": "MR\\CT"}, [CT_STUDY, MR_STUDY, TS_FIXTURE_STUDY]),
        ({"AccessionNumber": "A20240415001"}, [MR_STUDY]),
        ({"AccessionNumber": "*0302*"}, [CT_STUDY]),
        ({"StudyInstanceUID": f"{MR_STUDY}\\{CT_STUDY}"}, [CT_STUDY, MR_STUDY]),
        ({"StudyInstanceUID": f"{MR_STUDY},{TS_FIXTURE_STUDY}"}, [MR_STUDY, TS_FIXTURE_STUDY]),
        ({"StudyDescription": "*c-spine*"}, [CT_STUDY]),
        ({"StudyDescription": "CT CERVICAL SPINE*"}, [TS_FIXTURE_STUDY]),
        ({"spinalLevel": "C3-C4"}, [MR_STUDY]),
        ({"spinalLevel": "C4"}, [MR_STUDY]),
        ({"spinalLevel": "L4-L5"}, []),
        ({"PatientName": "", "PatientID": "*"}, [CT_STUDY, MR_STUDY, TS_FIXTURE_STUDY]),
    ],
)
def test_study_filters(client, filters, expected):
    assert uids(client.search_for_studies(search_filters=filters)) == sorted(expected)


def test_a_plus_in_a_query_value_is_a_space(http, url):
    # requests, like every Python client, writes spaces in query values as "+".
    response = http.get(f"{url}/studies", params={"StudyDescription": "CT C-SPINE*"})
    assert "+" in response.request.url
    assert uids(response.json()) == [CT_STUDY]


def test_paging_the_way_slicer_pages(client):
    pages = []
    offset = 0
    while True:
        page = client.search_for_studies(limit=1, offset=offset)
        if not page:
            break
        pages.append(page[0]["0020000D"]["Value"][0])
        offset += 1
    # Stable order, newest first, every study once.
    assert pages == [MR_STUDY, CT_STUDY, TS_FIXTURE_STUDY]
    assert client.search_for_studies(limit=5, offset=10) == []


def test_includefield_as_keywords_hex_tags_repeated_or_all(http, url):
    for params in (
        [("includefield", "StudyDescription")],
        [("includefield", "00081030,00080061")],
        [("includefield", "00081030"), ("includefield", "NumberOfStudyRelatedInstances")],
        [("includefield", "all")],
    ):
        response = http.get(f"{url}/studies", params=params)
        assert response.status_code == 200, response.text
        assert all("00081030" in study for study in response.json())


def test_fuzzymatching_is_accepted_with_a_warning(http, url):
    response = http.get(f"{url}/studies", params={"PatientName": "doe", "fuzzymatching": "true"})
    assert response.status_code == 200
    assert "fuzzymatching" in response.headers.get("Warning", "")


def test_bad_filters_are_refused_with_a_reason(http, url):
    assert http.get(f"{url}/studies", params={"StudyDate": "2024-01-01"}).status_code == 400
    assert http.get(f"{url}/studies", params={"limit": "many"}).status_code == 400
    assert http.get(f"{url}/studies", params={"StudyInstanceUID": "../../etc"}).status_code == 400
    assert http.get(f"{url}/studies", params={"includefield": "not a field"}).status_code == 400


def test_series_of_a_study_with_series_filters(client):
    series = client.search_for_series(MR_STUDY)
    assert len(series) == 3
    datasets = [Dataset.from_json(result) for result in series]
    assert sorted(ds.SeriesNumber for ds in datasets) == [1, 2, 3]
    assert sum(ds.NumberOfSeriesRelatedInstances for ds in datasets) == 48
    sagittal = client.search_for_series(MR_STUDY, search_filters={"SeriesDescription": "sag*"})
    assert len(sagittal) == 2
    at_level = client.search_for_series(search_filters={"spinalLevel": "C3-C4"})
    assert [result["0008103E"]["Value"][0] for result in at_level] == ["AX T2 C3-C4"]
    ct = client.search_for_series(search_filters={"Modality": "CT", "StudyInstanceUID": CT_STUDY})
    assert len(ct) == 4


def test_instances_at_every_level(client):
    series = client.search_for_series(MR_STUDY)[0]["0020000E"]["Value"][0]
    instances = client.search_for_instances(MR_STUDY, series)
    assert len(instances) == 15
    numbers = [Dataset.from_json(result).InstanceNumber for result in instances]
    assert numbers == sorted(numbers)
    sop = instances[3]["00080018"]["Value"][0]
    by_uid = client.search_for_instances(search_filters={"SOPInstanceUID": sop})
    assert uids(by_uid, "00080018") == [sop]
    assert len(client.search_for_instances(MR_STUDY)) == 48
    page = client.search_for_instances(MR_STUDY, series, limit=5, offset=5)
    assert uids(page, "00080018") == uids(instances[5:10], "00080018")


def test_an_unknown_study_is_an_empty_answer(client):
    assert client.search_for_series("1.2.3.4.5.6") == []
