"""What the server refuses: requests without the token it requires, and quarantined submissions."""
import os

import pytest
import requests
from pydicom import dcmread



def quarantined_studies():
    """The StudyInstanceUIDs of the files the home keeps in quarantine."""
    studies = set()
    for folder, _, names in os.walk(os.path.join(os.environ["INTAKE_HOME"], "quarantine")):
        for name in names:
            if name.endswith(".dcm"):
                studies.add(dcmread(os.path.join(folder, name), stop_before_pixels=True).StudyInstanceUID)
    return sorted(studies)


@pytest.mark.skipif(not os.environ.get("DICOMWEB_TOKEN"), reason="this server was started without tokens")
def test_without_the_token_every_endpoint_is_401(url):
    for path in ("/studies", "/series", "/studies/1.2.3/metadata"):
        response = requests.get(url + path)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert requests.get(url + "/studies", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401


def test_a_quarantined_submission_is_never_served(http, url, client):
    studies = quarantined_studies()
    assert studies, "the test harness quarantines a disc"
    for study in studies:
        assert client.search_for_studies(search_filters={"StudyInstanceUID": study}) == []
        assert http.get(f"{url}/studies/{study}/metadata").status_code == 404
        assert http.get(
            f"{url}/studies/{study}",
            headers={"Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'}).status_code == 404
