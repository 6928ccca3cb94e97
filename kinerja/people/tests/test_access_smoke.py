from kinerja.people.access import pegawai_visible_to
from kinerja.people.selectors import atasan_of, team_of


def test_employee_sees_only_self(cast):
    assert list(pegawai_visible_to(cast.pegawai)) == [cast.people["pegawai"]]


def test_vacant_kabid_passes_rating_to_kadis(cast):
    import datetime as dt

    found = atasan_of(cast.people["kasi"], dt.date.today())
    assert found is not None and found.pegawai == cast.people["kadis"]
    team = {m.pegawai.name: m.direct for m in team_of(cast.kadis, dt.date.today())}
    assert team["Fajar Kasi"] is True and team["Gita Pengelola"] is False
