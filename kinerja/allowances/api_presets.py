"""TPP API: the instansi's rule presets and their versions, the built-in templates, and the
what-if (mounted by kinerja/allowances/api.py).

Presets are read by everyone of the instansi (the rules that pay them are no secret); admin
BKPSDM installs a template, activates a preset and adds versions (anyone else: 403). A new
version lists every problem of its parameters at once (422 `invalid_preset`,
`details.problems`) and cannot start in or before an approved month (409 `month_approved`), so
a past month never changes. The what-if computes a month already computed with other
parameters, in memory, and answers the difference per OPD and per person; it is for the
instansi-wide readers (admin BKPSDM, pimpinan, auditor) and writes nothing.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from kinerja.allowances import rules, selectors, services
from kinerja.allowances.batch import Month
from kinerja.allowances.models import TppPreset, TppPresetVersion
from kinerja.allowances.presets import TEMPLATES, template_params
from kinerja.allowances.schemas import (
    PresetDetailOut,
    PresetInstallIn,
    PresetOut,
    PresetVersionIn,
    TemplateOut,
    VersionDetailOut,
    WhatIfIn,
    WhatIfOut,
)
from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.people.access import request_account
from kinerja.people.models import Account, Pegawai
from kinerja.people.schemas import ERRORS, Pages

router = Router(tags=["tpp"])

P = "/tpp/presets/{preset_id}"


def _first_of(label: str) -> dt.date:
    return Month.parse(label).first


def _preset(account: Account, preset_id: int) -> TppPreset:
    """A preset of the caller's instansi, with its versions and their authors; 404 otherwise
    (as selectors.get_preset_for, plus the authors: no query per version)."""
    found = (selectors.presets_of(account).prefetch_related("versions__created_by")
             .filter(pk=preset_id).first())
    if found is None:
        raise NotFound("not_found", _("Not found."))
    return found


def _invalid(exc: rules.PresetError) -> ApplicationError:
    return ApplicationError("invalid_preset", _("The preset has errors."), status=422,
                            details={"problems": exc.problems})


# --- Presets ------------------------------------------------------------------------------------


@router.get("/tpp/presets", response={200: list[PresetOut], **ERRORS},
            summary="The instansi's TPP presets (the active one pays)")
@paginate(Pages)
def preset_list(request: HttpRequest) -> QuerySet[TppPreset]:
    return selectors.presets_of(request_account(request)).order_by("-is_active", "name", "pk")


@router.post("/tpp/presets", response={201: PresetDetailOut, **ERRORS},
             summary="Install a built-in template as the instansi's own preset (admin BKPSDM)")
def preset_install(request: HttpRequest, payload: PresetInstallIn) -> Status[Any]:
    account = request_account(request)
    preset = services.preset_install(
        actor=account, template=payload.template, activate=payload.activate,
        effective_from=_first_of(payload.effective_from) if payload.effective_from else None,
        name=payload.name)
    return Status(201, _preset(account, preset.pk))


@router.get(P, response={200: PresetDetailOut, **ERRORS}, summary="One preset with its versions")
def preset_detail(request: HttpRequest, preset_id: int) -> TppPreset:
    return _preset(request_account(request), preset_id)


@router.post(f"{P}/activate", response={200: PresetDetailOut, **ERRORS},
             summary="Make this the preset that pays (admin BKPSDM)")
def preset_activate(request: HttpRequest, preset_id: int) -> TppPreset:
    account = request_account(request)
    services.preset_activate(actor=account, preset=_preset(account, preset_id))
    return _preset(account, preset_id)


@router.get(f"{P}/versions/{{number}}", response={200: VersionDetailOut, **ERRORS},
            summary="One version of a preset with its parameters")
def version_detail(request: HttpRequest, preset_id: int, number: int) -> TppPresetVersion:
    preset = _preset(request_account(request), preset_id)
    found = next((v for v in preset.versions.all() if v.number == number), None)
    if found is None:
        raise NotFound("not_found", _("Not found."))
    return found


@router.post(f"{P}/versions", response={201: VersionDetailOut, **ERRORS},
             summary="A new version of the preset from a month on (admin BKPSDM)")
def version_create(request: HttpRequest, preset_id: int, payload: PresetVersionIn) -> Status[Any]:
    account = request_account(request)
    version = services.preset_version_create(
        actor=account, preset=_preset(account, preset_id), params=payload.params,
        effective_from=_first_of(payload.effective_from), note=payload.note)
    return Status(201, TppPresetVersion.objects.select_related("created_by").get(pk=version.pk))


@router.get("/tpp/templates", response={200: list[TemplateOut], **ERRORS},
            summary="The built-in templates a preset is installed from")
@paginate(Pages)
def template_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"key": key, "name": info["name"], "legal_reference": info["legal_reference"],
             "params": template_params(key)} for key, info in TEMPLATES.items()]


# --- What-if ------------------------------------------------------------------------------------


def _params_of(account: Account, payload: WhatIfIn) -> dict[str, Any]:
    if (payload.params is None) == (payload.preset_id is None):
        raise ApplicationError("params_or_preset",
                               _("Send either params or preset_id (with an optional version)."))
    if payload.params is not None:
        return payload.params
    preset = _preset(account, payload.preset_id or 0)
    versions = sorted(preset.versions.all(), key=lambda v: -v.number)
    chosen = (versions[0] if payload.version is None and versions else
              next((v for v in versions if v.number == payload.version), None))
    if chosen is None:
        raise NotFound("not_found", _("Not found."))
    return dict(chosen.params)


@router.post("/tpp/what-if", response={200: WhatIfOut, **ERRORS},
             summary="A computed month with other preset parameters: the difference per OPD "
                     "and per person; nothing is written")
def what_if(request: HttpRequest, payload: WhatIfIn) -> dict[str, Any]:
    account = request_account(request)
    if not selectors.reads_all(account):
        raise Forbidden("forbidden", _("The what-if is for admin BKPSDM, pimpinan and "
                                       "auditors."))
    tpp_month = selectors.get_month_for(account, payload.period)
    params = _params_of(account, payload)
    try:
        result = selectors.what_if_compare(account, tpp_month, params)
    except rules.PresetError as exc:
        raise _invalid(exc) from None
    people = [p for p in result.people if p.diff or not payload.only_changed]
    who = {pk: (nip, name) for pk, nip, name in Pegawai.objects.filter(
        pk__in=[p.pegawai_id for p in people]).values_list("pk", "nip", "name")}
    return {
        "period": f"{tpp_month.period:%Y-%m}", "version": tpp_month.version,
        "people_changed": sum(1 for p in result.people if p.diff),
        "total_before": result.total_before, "total_after": result.total_after,
        "total_diff": result.total_diff, "by_opd": result.by_opd,
        "people": [{"pegawai_id": p.pegawai_id, "nip": who.get(p.pegawai_id, ("", ""))[0],
                    "name": who.get(p.pegawai_id, ("", ""))[1], "opd_id": p.opd_id,
                    "before": p.before, "after": p.after, "diff": p.diff} for p in people],
    }
