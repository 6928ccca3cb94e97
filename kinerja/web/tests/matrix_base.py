"""Vocabulary of the authorization matrix (test_authorization_matrix.py), shared with the row
modules `matrix_*.py` next to it: each of those exports `ROWS` (a list of Row) and may export
`TARGETS` ({kind: resolver(world, actor, name) -> str}) for its own placeholders. The matrix
collects every such module, so a feature adds its rows without editing the main table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ACTORS = (
    "anonymous", "pegawai", "atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan",
    "auditor", "outsider",
)
# Where a page sends someone who is not logged in (checked as 302 + Location).
LOGIN = "login"
API = "/api/v1"

# Pages and paths outside the matrix: Django admin (its own permission system), language
# switching, static and media files, and the API (whose operations come from the OpenAPI
# document instead, so the docs and the JSON 404 catch-all are not operations).
EXCLUDED_PAGE_PREFIXES = ("admin/", "i18n/", "static/", "media/", "api/v1/")


def api(default: int, **actors: int) -> dict[str, Any]:
    """Expected statuses for an API operation: `default` for every logged-in actor unless
    named; anonymous is always 401."""
    expected: dict[str, Any] = {actor: default for actor in ACTORS}
    expected["anonymous"] = 401
    expected.update(actors)
    return expected


def page(default: int, **actors: Any) -> dict[str, Any]:
    """Expected statuses for a page; anonymous is sent to the log-in page."""
    expected: dict[str, Any] = {actor: default for actor in ACTORS}
    expected["anonymous"] = LOGIN
    expected.update(actors)
    return expected


# Shorthands for the scopes, as statuses per actor.
INSTANSI_READERS = {"admin_bkpsdm": 200, "pimpinan": 200, "auditor": 200}
ONLY_AUDIT_READERS = {"admin_bkpsdm": 200, "auditor": 200}


@dataclass(frozen=True)
class Row:
    """One operation on one target: `route` is the OpenAPI path (API) or the URL pattern
    (pages); `target` names the object put into its placeholder (see `resolve_target`)."""

    method: str
    route: str
    expected: dict[str, Any]
    target: str = ""
    body: dict[str, Any] | None = None
    multipart: bool = False
    xfail: str = ""
    # The content type a successful API answer has (a document download is not JSON; errors
    # always are).
    content_type: str = "application/json"

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API)

    @property
    def id(self) -> str:
        return f"{self.method} {self.route}" + (f" [{self.target}]" if self.target else "")


