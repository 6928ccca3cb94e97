"""Template context shared by every page: the navigation the user's roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

# Which navigation item a page belongs to, by URL name (namespaced where the app has one).
_SECTIONS = {
    "home": "home",
    "team": "team",
    "people:list": "people",
    "people:detail": "people",
    "org:index": "org",
    "org:opd": "org",
    "audit": "audit",
    "account": "account",
    "password_change": "account",
    "tokens": "account",
    "notifications": "notifications",
}
# Areas whose pages are many: matched on the path when the URL name is not listed above.
_PREFIXES = (
    ("/tim/", "team"),
    ("/kegiatan/", "activities"),
    ("/penugasan/", "assignments"),
    ("/verifikasi/", "verification"),
    ("/pemantauan/", "monitoring"),
    ("/skp/", "skp"),
    ("/rhk/", "skp"),
    ("/sasaran/", "goals"),
    ("/pohon-kinerja/", "goals"),
    ("/periode/", "periods"),
    ("/penilaian/", "evaluation"),
    ("/keberatan/", "objections"),
    ("/kalibrasi/", "calibration"),
    ("/umpan-balik/", "feedback"),
    ("/kehadiran/", "attendance"),
    ("/tpp/", "tpp"),
)


class UnreadCount:
    """The header's unread notification count, computed only when a template shows it (HTMX
    partials never do) and at most once per request: one COUNT on the (account, read_at)
    index. Templates call it like a variable."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __call__(self) -> int:
        cached = getattr(self.request, "_kinerja_unread", None)
        if cached is None:
            from kinerja.people.notifications import unread_count

            cached = unread_count(self.request.user)  # type: ignore[arg-type]
            self.request._kinerja_unread = cached  # type: ignore[attr-defined]
        return int(cached)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from kinerja.core.roles import Role
    from kinerja.people.access import scope_for

    scope = scope_for(user)
    roles = set(scope.roles)
    match = getattr(request, "resolver_match", None)
    section = _SECTIONS.get(match.view_name, "") if match else ""
    if not section:
        section = next((name for prefix, name in _PREFIXES if request.path.startswith(prefix)), "")
    own_nip = user.username if scope.pegawai_id is not None else ""
    # People lists make sense for anyone who sees more than themself.
    sees_others = bool(roles - {Role.PEGAWAI}) or scope.is_superuser
    return {
        "nav_scope": scope,
        "nav_roles": roles,
        "nav_section": section,
        "nav_unread": UnreadCount(request),
        "nav": {
            "team": Role.ATASAN in roles,
            "people": sees_others,
            "own_nip": own_nip if not sees_others else "",
            "org": scope.instansi_id is not None or scope.is_superuser,
            # Plans: one's own SKP, or the SKPs one oversees; goals and periods are open to the
            # whole instansi, like the organisation.
            "skp": scope.pegawai_id is not None or sees_others,
            "goals": scope.instansi_id is not None,
            # Daily work: one's own logs and assignments; the supervisor's queue; monitoring
            # for supervisors and the OPD/instansi administrators and leaders.
            "activities": scope.pegawai_id is not None,
            "verification": Role.ATASAN in roles,
            "monitoring": Role.ATASAN in roles
            or bool(roles & {Role.ADMIN_OPD, Role.ADMIN_BKPSDM, Role.PIMPINAN}),
            "monitoring_url": "/pemantauan/tim/" if Role.ATASAN in roles else "/pemantauan/opd/",
            # Evaluation: one's own evaluations and feedback; objections for those who decide
            # them (the supervisor's supervisor, admin BKPSDM where nobody is above), shown by
            # role so no page pays a query for it; calibration for the instansi's readers.
            "evaluation": scope.pegawai_id is not None,
            "objections": Role.ATASAN in roles or scope.writes_whole_instansi,
            "calibration": scope.instansi_id is not None and scope.reads_whole_instansi,
            "feedback": scope.pegawai_id is not None,
            # Attendance and TPP: one's own; the instansi's readers and OPD admins see lists.
            "attendance": scope.pegawai_id is not None or scope.reads_whole_instansi
            or Role.ADMIN_OPD in roles,
            "tpp": scope.pegawai_id is not None or scope.reads_whole_instansi
            or Role.ADMIN_OPD in roles,
            "audit": scope.reads_audit,
            "import": scope.writes_whole_instansi and scope.instansi_id is not None,
            "admin": bool(user.is_staff),
        },
    }
