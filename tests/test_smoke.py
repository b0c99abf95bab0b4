import pytest
def test_cast_builds(cast, login):
    assert cast.unit_a.embedding_degree == pytest.approx(2 / 3, abs=1e-3)
    assert cast.unit_a.one_shoulder
    c = login("grid_worker")
    r = c.get(f"/org/units/{cast.unit_a.pk}/")
    assert r.status_code == 200, r.content[:500]
    r = c.get(f"/org/units/{cast.unit_d.pk}/")
    assert r.status_code == 403
    r = c.get("/")
    assert r.status_code == 200
