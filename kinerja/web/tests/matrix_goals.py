"""Matrix rows for organisation goals (/sasaran/, /pohon-kinerja/, /api/v1/goals/...).

Goals are open to everyone of the instansi (another instansi's are 404). Changes to the Dinas
Kesehatan's goals are for admin BKPSDM, admin OPD (of Dinkes) and kadis (its head); the others of
the instansi see the goals, so they hear 403. The import (page and template) is hidden (404)
from those who may change no OPD's goals; `outsider` heads Disdik, so they may import (their
Dinkes rows are reported as outside their scope).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from kinerja.web.tests.matrix_base import API, Row, api, page

WRITERS = {"kadis": 200, "admin_opd": 200, "admin_bkpsdm": 200}
IMPORTERS = {**WRITERS, "outsider": 200}


def _year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def _sheet() -> bytes:
    from openpyxl import Workbook

    from kinerja.plans.goals.imports import COLUMNS

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    sheet.append(["DINKES", _year(), "SS9", "Matriks", "IKU9", "Matriks", "persen", 10])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHEET = _sheet()
IMPORT_API = {"dry_run": "true", "file": ("pk.xlsx", SHEET)}
IMPORT_FORM = {"dry_run": "on", "file": ("pk.xlsx", SHEET)}
IKU_BODY = {"code": "IKU1", "indicator": "Persentase fasilitas kesehatan terakreditasi",
            "unit": "persen", "annual_target": "90"}
SASARAN_BODY = {"code": "SS1", "text": "Meningkatnya derajat kesehatan masyarakat"}


def _writes(ok: int, **extra: Any) -> dict[str, Any]:
    return api(403, **{actor: ok for actor in WRITERS}, **extra)


def _page_writes(ok: Any = 302) -> dict[str, Any]:
    return page(403, **{actor: ok for actor in WRITERS})


def _counter(world: Any) -> int:
    count: int = getattr(world, "_goals_counter", 0) + 1
    world._goals_counter = count
    return count


def _fresh_perjanjian(world: Any) -> Any:
    """An empty PK of Dinkes in a year of its own (opened for it), one per call."""
    from kinerja.plans.models import PerjanjianKinerja
    from kinerja.plans.testing import open_year

    cast = world.cast
    world.plan  # noqa: B018 - the plan cast first, so its year is the current one
    year = _year() + _counter(world)
    open_year(cast, year)
    return PerjanjianKinerja.objects.create(instansi=cast.instansi, opd=cast.opds["dinkes"],
                                            year=year)


def _foreign_goals(world: Any) -> Any:
    """The other instansi's PK, sasaran and IKU (made once)."""
    if getattr(world, "_goals_foreign", None) is None:
        from kinerja.plans.models import Iku, PerjanjianKinerja, SasaranStrategis
        from kinerja.plans.testing import open_year

        foreign = world.foreign
        open_year(foreign, _year())
        pk = PerjanjianKinerja.objects.create(instansi=foreign.instansi,
                                              opd=foreign.opds["dinkes"], year=_year())
        sasaran = SasaranStrategis.objects.create(instansi=foreign.instansi, perjanjian=pk,
                                                  code="SS1", text="Asing")
        iku = Iku.objects.create(instansi=foreign.instansi, sasaran=sasaran, code="IKU1",
                                 indicator="Asing", unit="%", annual_target=Decimal(1))
        world._goals_foreign = {"perjanjian": pk, "sasaran": sasaran, "iku": iku}
    return world._goals_foreign


def _perjanjian(world: Any, actor: str, name: str) -> str:
    if name == "foreign":
        return str(_foreign_goals(world)["perjanjian"].pk)
    if name == "fresh":
        return str(_fresh_perjanjian(world).pk)
    return str(world.plan.perjanjian.pk)


def _sasaran(world: Any, actor: str, name: str) -> str:
    if name == "foreign":
        return str(_foreign_goals(world)["sasaran"].pk)
    if name == "fresh":
        from kinerja.plans.models import SasaranStrategis

        sasaran = SasaranStrategis.objects.create(
            instansi=world.cast.instansi, perjanjian=world.plan.perjanjian,
            code=f"SSM{_counter(world)}", text="Matriks")
        return str(sasaran.pk)
    return str(world.plan.iku.sasaran_id)


def _iku(world: Any, actor: str, name: str) -> str:
    if name == "foreign":
        return str(_foreign_goals(world)["iku"].pk)
    if name == "fresh":
        from kinerja.plans.models import Iku

        iku = Iku.objects.create(instansi=world.cast.instansi, sasaran=world.plan.iku.sasaran,
                                 code=f"IKUM{_counter(world)}", indicator="Matriks", unit="%",
                                 annual_target=Decimal(1))
        return str(iku.pk)
    return str(world.plan.iku.pk)


def _goals_opd(world: Any, actor: str, name: str) -> str:
    if name == "foreign":
        return str(world.foreign.opds["dinkes"].pk)
    world.plan  # noqa: B018 - opens the current year
    return str(world.cast.opds[name].pk)


TARGETS = {"perjanjian": _perjanjian, "sasaran": _sasaran, "iku": _iku,
           "goals_opd": _goals_opd}

G = f"{API}/goals"
ROWS: list[Row] = [
    # --- API: reading (open to the instansi) --------------------------------------------------
    Row("GET", f"{G}/perjanjian", api(200)),
    Row("GET", f"{G}/perjanjian/{{perjanjian_id}}", api(200), target="perjanjian:plan"),
    Row("GET", f"{G}/perjanjian/{{perjanjian_id}}", api(404), target="perjanjian:foreign"),
    Row("GET", f"{G}/sasaran/{{sasaran_id}}", api(200), target="sasaran:plan"),
    Row("GET", f"{G}/sasaran/{{sasaran_id}}", api(404), target="sasaran:foreign"),
    Row("GET", f"{G}/iku/{{iku_id}}", api(200), target="iku:plan"),
    Row("GET", f"{G}/iku/{{iku_id}}", api(404), target="iku:foreign"),
    Row("GET", f"{G}/tree", api(200)),
    # --- API: writing (Dinkes: admin BKPSDM, admin OPD, kadis) ---------------------------------
    # The target only opens the current year (the route has no placeholder).
    Row("POST", f"{G}/perjanjian", _writes(200), target="goals_opd:dinkes",
        body={"opd_code": "DINKES", "year": _year(), "signed_on": f"{_year()}-01-15"}),
    Row("PUT", f"{G}/perjanjian/{{perjanjian_id}}", _writes(200), target="perjanjian:plan",
        body={"signed_on": f"{_year()}-01-15"}),
    Row("PUT", f"{G}/perjanjian/{{perjanjian_id}}", api(404), target="perjanjian:foreign",
        body={"signed_on": None}),
    Row("DELETE", f"{G}/perjanjian/{{perjanjian_id}}", _writes(204), target="perjanjian:fresh"),
    Row("DELETE", f"{G}/perjanjian/{{perjanjian_id}}", api(404), target="perjanjian:foreign"),
    Row("POST", f"{G}/perjanjian/{{perjanjian_id}}/sasaran", _writes(201),
        target="perjanjian:fresh", body=SASARAN_BODY),
    Row("POST", f"{G}/perjanjian/{{perjanjian_id}}/sasaran", api(404),
        target="perjanjian:foreign", body=SASARAN_BODY),
    Row("PUT", f"{G}/sasaran/{{sasaran_id}}", _writes(200), target="sasaran:plan",
        body=SASARAN_BODY),
    Row("PUT", f"{G}/sasaran/{{sasaran_id}}", api(404), target="sasaran:foreign",
        body=SASARAN_BODY),
    Row("DELETE", f"{G}/sasaran/{{sasaran_id}}", _writes(204), target="sasaran:fresh"),
    # RHKs hang from the plan's IKU: refused for those who may write, 403 for the others.
    Row("DELETE", f"{G}/sasaran/{{sasaran_id}}", _writes(409), target="sasaran:plan"),
    Row("DELETE", f"{G}/sasaran/{{sasaran_id}}", api(404), target="sasaran:foreign"),
    Row("POST", f"{G}/sasaran/{{sasaran_id}}/iku", _writes(201), target="sasaran:fresh",
        body=IKU_BODY),
    Row("POST", f"{G}/sasaran/{{sasaran_id}}/iku", api(404), target="sasaran:foreign",
        body=IKU_BODY),
    Row("PUT", f"{G}/iku/{{iku_id}}", _writes(200), target="iku:plan", body=IKU_BODY),
    Row("PUT", f"{G}/iku/{{iku_id}}", api(404), target="iku:foreign", body=IKU_BODY),
    Row("DELETE", f"{G}/iku/{{iku_id}}", _writes(204), target="iku:fresh"),
    Row("DELETE", f"{G}/iku/{{iku_id}}", _writes(409), target="iku:plan"),
    Row("DELETE", f"{G}/iku/{{iku_id}}", api(404), target="iku:foreign"),
    Row("PUT", f"{G}/iku/{{iku_id}}/realisation", _writes(200), target="iku:plan",
        body={"quarter": 1, "value": "20"}),
    Row("PUT", f"{G}/iku/{{iku_id}}/realisation", api(404), target="iku:foreign",
        body={"quarter": 1, "value": "20"}),
    Row("POST", f"{G}/import", api(403, **IMPORTERS), body=IMPORT_API, multipart=True),
    # --- Pages --------------------------------------------------------------------------------
    Row("GET", "/sasaran/", page(200)),
    Row("GET", "/pohon-kinerja/", page(200)),
    Row("GET", "/sasaran/impor/", page(404, **IMPORTERS)),
    Row("POST", "/sasaran/impor/", page(404, **IMPORTERS), body=IMPORT_FORM),
    Row("GET", "/sasaran/impor/template.xlsx", page(404, **IMPORTERS)),
    Row("POST", "/sasaran/opd/<int:opd_id>/perjanjian/", _page_writes(),
        target="goals_opd:dinkes", body={"year": str(_year()), "signed_on": ""}),
    Row("POST", "/sasaran/opd/<int:opd_id>/perjanjian/", page(404), target="goals_opd:foreign",
        body={"year": str(_year())}),
    Row("POST", "/sasaran/perjanjian/<int:pk>/sasaran/", _page_writes(),
        target="perjanjian:fresh", body=SASARAN_BODY),
    Row("POST", "/sasaran/perjanjian/<int:pk>/sasaran/", page(404), target="perjanjian:foreign",
        body=SASARAN_BODY),
    Row("POST", "/sasaran/sasaran/<int:pk>/", _page_writes(), target="sasaran:plan",
        body=SASARAN_BODY),
    Row("POST", "/sasaran/sasaran/<int:pk>/", page(404), target="sasaran:foreign",
        body=SASARAN_BODY),
    Row("POST", "/sasaran/sasaran/<int:pk>/hapus/", _page_writes(), target="sasaran:fresh"),
    Row("POST", "/sasaran/sasaran/<int:pk>/hapus/", page(404), target="sasaran:foreign"),
    Row("POST", "/sasaran/sasaran/<int:pk>/iku/", _page_writes(), target="sasaran:fresh",
        body=IKU_BODY),
    Row("POST", "/sasaran/sasaran/<int:pk>/iku/", page(404), target="sasaran:foreign",
        body=IKU_BODY),
    Row("POST", "/sasaran/iku/<int:pk>/", _page_writes(), target="iku:plan", body=IKU_BODY),
    Row("POST", "/sasaran/iku/<int:pk>/", page(404), target="iku:foreign", body=IKU_BODY),
    Row("POST", "/sasaran/iku/<int:pk>/hapus/", _page_writes(), target="iku:fresh"),
    Row("POST", "/sasaran/iku/<int:pk>/hapus/", page(404), target="iku:foreign"),
    Row("POST", "/sasaran/iku/<int:pk>/realisasi/", _page_writes(), target="iku:plan",
        body={"quarter": "1", "value": "20"}),
    Row("POST", "/sasaran/iku/<int:pk>/realisasi/", page(404), target="iku:foreign",
        body={"quarter": "1", "value": "20"}),
]
