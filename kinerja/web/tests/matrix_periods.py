"""Authorization matrix rows for the performance calendar (kinerja/web/periods*.py): everyone of
the instansi reads it; only admin BKPSDM changes it (403 for everyone else, since they see the
year); another instansi's years do not exist (404).

Targets: `period:open` a year open in the cast's instansi, `period:closed` a closed one,
`period:foreign` a year only another instansi has; `period:month_open` / `period:month_closed`
/ `period:month_foreign` (a month of that foreign year) fill two placeholders (year and month).
The matrix substitutes one value into every placeholder with `re.sub`, which also takes a
function of the match: the month resolvers return one, so each placeholder gets its own value
by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kinerja.core.models import PeriodState
from kinerja.web.tests.matrix_base import API, Row, api, page

OPEN_YEAR, CLOSED_YEAR, FOREIGN_YEAR, MONTH = 2030, 2031, 2040, 3
REASON = {"reason": "Koreksi data"}
SETTINGS_FORM = {"evaluation_frequency": "triwulan", "log_deadline_day": "10",
                 "skp_source": "kinerja"}


def _year(world: Any, *, closed: bool = False) -> int:
    from kinerja.plans.testing import open_year

    year = CLOSED_YEAR if closed else OPEN_YEAR
    found = open_year(world.cast, year)
    if closed:
        found.state = PeriodState.CLOSED
        found.save(update_fields=["state"])
        found.months.filter(month=MONTH).update(state=PeriodState.CLOSED)
    return year


def _period(world: Any, actor: str, name: str) -> Any:
    from kinerja.plans.testing import open_year

    if name == "foreign":
        return str(open_year(world.foreign, FOREIGN_YEAR).year)
    if name in ("open", "closed"):
        return str(_year(world, closed=name == "closed"))
    if name in ("month_open", "month_closed", "month_foreign"):
        if name == "month_foreign":
            year = str(open_year(world.foreign, FOREIGN_YEAR).year)
        else:
            year = str(_year(world, closed=name == "month_closed"))
        values = {"year": year, "month": str(MONTH)}

        def fill(match: re.Match[str]) -> str:
            # "{year}" in API routes, "<int:year>" in page routes.
            key = match.group(0).strip("{}<>").rpartition(":")[2]
            return values[key]

        return fill
    raise AssertionError(f"unknown period target {name!r}")


TARGETS: dict[str, Callable[..., Any]] = {"period": _period}

ADMIN_ONLY = api(403, admin_bkpsdm=200)

ROWS: list[Row] = [
    # --- API ------------------------------------------------------------------------------------
    Row("GET", f"{API}/periods", api(200)),
    Row("POST", f"{API}/periods", api(403, admin_bkpsdm=201), body={"year": 2035}),
    Row("PATCH", f"{API}/periods/{{year}}", ADMIN_ONLY, target="period:open",
        body={"log_deadline_day": 10}),
    Row("PATCH", f"{API}/periods/{{year}}", api(404), target="period:foreign",
        body={"log_deadline_day": 10}),
    Row("POST", f"{API}/periods/{{year}}/close", ADMIN_ONLY, target="period:open"),
    Row("POST", f"{API}/periods/{{year}}/close", api(404), target="period:foreign"),
    Row("POST", f"{API}/periods/{{year}}/reopen", ADMIN_ONLY, target="period:closed",
        body=REASON),
    Row("POST", f"{API}/periods/{{year}}/reopen", api(404), target="period:foreign",
        body=REASON),
    Row("POST", f"{API}/periods/{{year}}/months/{{month}}/close", ADMIN_ONLY,
        target="period:month_open"),
    Row("POST", f"{API}/periods/{{year}}/months/{{month}}/close", api(404),
        target="period:month_foreign"),
    Row("POST", f"{API}/periods/{{year}}/months/{{month}}/reopen", ADMIN_ONLY,
        target="period:month_closed", body=REASON),
    Row("POST", f"{API}/periods/{{year}}/months/{{month}}/reopen", api(404),
        target="period:month_foreign", body=REASON),
    # --- Pages ----------------------------------------------------------------------------------
    Row("GET", "/periode/", page(200)),
    Row("POST", "/periode/", page(403, admin_bkpsdm=302),
        body={"year": "2036", **SETTINGS_FORM}),
    Row("POST", "/periode/<int:year>/", page(403, admin_bkpsdm=302), target="period:open",
        body=SETTINGS_FORM),
    Row("POST", "/periode/<int:year>/", page(404), target="period:foreign", body=SETTINGS_FORM),
    Row("POST", "/periode/<int:year>/tutup/", page(403, admin_bkpsdm=302), target="period:open"),
    Row("POST", "/periode/<int:year>/tutup/", page(404), target="period:foreign"),
    Row("POST", "/periode/<int:year>/buka-kembali/", page(403, admin_bkpsdm=302),
        target="period:closed", body=REASON),
    Row("POST", "/periode/<int:year>/buka-kembali/", page(404), target="period:foreign",
        body=REASON),
    Row("POST", "/periode/<int:year>/bulan/<int:month>/tutup/", page(403, admin_bkpsdm=302),
        target="period:month_open"),
    Row("POST", "/periode/<int:year>/bulan/<int:month>/tutup/", page(404),
        target="period:month_foreign"),
    Row("POST", "/periode/<int:year>/bulan/<int:month>/buka-kembali/",
        page(403, admin_bkpsdm=302), target="period:month_closed", body=REASON),
    Row("POST", "/periode/<int:year>/bulan/<int:month>/buka-kembali/", page(404),
        target="period:month_foreign", body=REASON),
]
