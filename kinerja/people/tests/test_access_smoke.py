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


def test_old_supervisor_loses_sight_after_a_mutation_left_open_in_simpeg(cast):
    """SIMPEG left the old definitive record open; the newest TMT decides where the person is."""
    import datetime as dt

    from kinerja.people.access import pegawai_visible_to
    from kinerja.people.models import PositionAssignment

    staff = cast.people["staf_kasi"]
    PositionAssignment.objects.create(
        instansi=cast.instansi,
        pegawai=staff,
        jabatan=cast.positions["pengadministrasi"],
        kind="definitif",
        start_date=dt.date(2024, 7, 1),
    )
    today = dt.date(2025, 1, 1)
    assert staff in pegawai_visible_to(cast.atasan, on=today)
    assert staff not in pegawai_visible_to(cast.kasi, on=today)
    # Before the mutation the old line applies.
    assert staff in pegawai_visible_to(cast.kasi, on=dt.date(2024, 6, 30))


def test_profile_shows_one_current_definitive_position_after_an_open_mutation(cast, client_for):
    import datetime as dt

    from kinerja.people.models import PositionAssignment

    staff = cast.people["staf_kasi"]
    PositionAssignment.objects.create(
        instansi=cast.instansi,
        pegawai=staff,
        jabatan=cast.positions["pengadministrasi"],
        kind="definitif",
        start_date=dt.date(2024, 7, 1),
    )
    response = client_for(cast.admin_bkpsdm).get(f"/pegawai/{staff.nip}/")
    current = response.context["current"]
    assert [a.jabatan_id for a in current] == [cast.positions["pengadministrasi"].pk]
