"""Authorization matrix rows for two-factor authentication (kinerja/people/twofactor_views.py).

The matrix logs in with `kinerja.testing.login_verified`: admin BKPSDM and the auditor (whose
role requires 2FA) are verified by a device, the others have none. So the code step has nothing
to ask anyone (302 onwards); everyone reaches their own 2FA page; turning 2FA off is refused to
the roles that require it (403) and a no-op redirect for the others; only admin BKPSDM resets
another account's 2FA, inside the instansi (403 for those who see the employee, 404 for those
who do not, and for another instansi's employee). What an unverified session may reach is
tested in kinerja/people/tests/test_twofactor.py.
"""

from __future__ import annotations

from kinerja.web.tests.matrix_base import Row, page

WRONG_CODE = {"code": "000000"}
REQUIRED = {"admin_bkpsdm": 403, "auditor": 403}
RESET = "/pegawai/<str:nip>/2fa/reset/"

ROWS = [
    Row("GET", "/masuk/kode/", page(302)),
    Row("POST", "/masuk/kode/", page(302), body=WRONG_CODE),
    Row("GET", "/akun/2fa/", page(200)),
    Row("POST", "/akun/2fa/", page(200), body=WRONG_CODE),
    Row("POST", "/akun/2fa/nonaktifkan/", page(302, **REQUIRED), body=WRONG_CODE),
    Row("POST", RESET, page(403, admin_bkpsdm=302, outsider=404), target="nip:pegawai"),
    Row("POST", RESET, page(404, admin_bkpsdm=302, outsider=403, pimpinan=403, auditor=403),
        target="nip:outsider"),
    Row("POST", RESET, page(404), target="nip:foreign"),
]
