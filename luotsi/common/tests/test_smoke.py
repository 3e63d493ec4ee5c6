import pytest
pytestmark = pytest.mark.django_db

def test_smoke(client, alice, bob, case, client_person, charlie):
    client.force_login(alice)
    r = client.get("/")
    assert r.status_code == 200, r.content[:2000]
    r = client.get(f"/persons/{client_person.pk}/")
    assert r.status_code == 200, r.content[:3000]
    assert "Kotikatu" in r.content.decode()
    r = client.get("/persons/?name=asiak")
    assert "Asiakas" in r.content.decode()
    client.force_login(bob)
    r = client.get(f"/persons/{client_person.pk}/")
    assert r.status_code == 404
    r = client.get("/persons/new/")
    assert r.status_code == 200
    r = client.post("/persons/new/", {"hetu": "131052-308X", "last_name": "X", "language": "fi"})
    assert "check character" in r.content.decode() or "tarkist" in r.content.decode(), r.content.decode()[:3000]
    client.force_login(charlie)
    r = client.get("/access-log/report/")
    assert r.status_code == 200
    r = client.post("/access-log/report/", {"hetu": client_person.hetu, "start": "2026-01-01", "end": "2026-11-23", "format": "pdf"})
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
