"""Writing an SKP's content: RHK, indicators, lampiran (the owner, on a draft or returned SKP)
and the perilaku expectations (the owner on a draft, the pejabat penilai until approval).

Each form is a page of its own (works without JavaScript: POST, then redirect to the SKP) and,
for HTMX, a partial loaded in place on the SKP page; after a save HTMX swaps in the SKP's new
body. A refusal from the service is shown on the form, with everything typed kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.http import wants_partial
from kinerja.people.access import request_account, today_in
from kinerja.people.selectors import atasan_of
from kinerja.plans import rules, services
from kinerja.plans.forms import (
    ActionForm,
    IndicatorForm,
    LampiranForm,
    PerilakuForm,
    RhkForm,
    link_value,
)
from kinerja.plans.models import Iku, Indicator, Rhk, Skp
from kinerja.plans.selectors import (
    get_indicator_for,
    get_rhk_for,
    get_skp_for,
    link_choices,
)
from kinerja.plans.views_skp.common import (
    done,
    failed,
    get_lampiran_for,
    load_skp,
    may_edit_content,
    require,
    role_of,
)

Save = Callable[[dict[str, Any], int | None], str]


def _form_page(
    request: HttpRequest,
    skp: Skp,
    form: forms.Form,
    *,
    allowed: bool,
    title: str,
    save: Save,
    message: str,
    cancel: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST calls `save` (one service) and returns to the SKP; a
    refusal is shown on the form. `save` returns the anchor to return to."""
    if request.method == "POST" and form.is_valid():
        try:
            anchor = save(form.cleaned_data, form.cleaned_data.get("expected_version"))
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            if exc.code == "stale":
                # Keep what was typed and carry the SKP's current version: saving again after
                # reading the message applies it deliberately over the other change.
                data = request.POST.copy()
                data["expected_version"] = str(Skp.objects.get(pk=skp.pk).version)
                form.data = data
        else:
            return done(request, skp, message, anchor)
    else:
        require(allowed)
    context = {
        "skp": skp,
        "form": form,
        "title": title,
        "action": request.path,
        "cancel": reverse("skp_detail", args=[skp.pk]) + (f"#{cancel}" if cancel else ""),
        **(extra or {}),
    }
    # Inline (HTMX) forms swap the SKP's body in after saving; the form's own page (no
    # JavaScript, or opened in a new tab) has no body to swap into and posts plainly.
    partial = context["inline"] = wants_partial(request)
    response = render(
        request, "plans/_skp_form.html" if partial else "plans/skp_form.html", context
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _version(skp: Skp) -> dict[str, Any]:
    return {"expected_version": skp.version}


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- RHK ------------------------------------------------------------------------------------


def _links(skp: Skp, link: tuple[str, int] | None) -> dict[str, Any]:
    """The chosen link as the service takes it. Any RHK or IKU of the instansi may be named
    here: the service refuses one that is not the supervisor's approved RHK (or the OPD's IKU)."""
    if link is None:
        return {"parent": None, "iku": None}
    kind, pk = link
    if kind == "rhk":
        parent = Rhk.objects.filter(pk=pk, instansi_id=skp.instansi_id).first()
        if parent is None:
            raise ApplicationError("link_unknown", _("Choose from the list."))
        return {"parent": parent, "iku": None}
    iku = Iku.objects.filter(pk=pk, instansi_id=skp.instansi_id).select_related(
        "sasaran__perjanjian"
    ).first()
    if iku is None:
        raise ApplicationError("link_unknown", _("Choose from the list."))
    return {"parent": None, "iku": iku}


def _rhk_form(request: HttpRequest, skp: Skp, rhk: Rhk | None) -> HttpResponse:
    user = request_account(request)
    choices = link_choices(skp, today_in(user))
    initial = _version(skp) | {"intervention": "langsung"}
    if rhk is not None:
        initial |= {
            "kind": rhk.kind,
            "text": rhk.text,
            "link": link_value(rhk),
            "intervention": rhk.intervention or "langsung",
            "perspektif": rhk.perspektif,
        }
    form = RhkForm(_data(request), initial=initial, choices=choices, is_jpt=skp.is_jpt)

    def save(data: dict[str, Any], version: int | None) -> str:
        saved = services.rhk_save(
            actor=user,
            skp=skp,
            rhk=rhk,
            kind=data["kind"],
            text=data["text"],
            perspektif=data.get("perspektif") or "",
            intervention=data.get("intervention") or "",
            expected_version=version,
            **_links(skp, data.get("link")),
        )
        return f"rhk-{saved.pk}"

    return _form_page(
        request,
        skp,
        form,
        allowed=may_edit_content(user, skp),
        title=_("Add an RHK") if rhk is None else _("Change the RHK"),
        save=save,
        message=_("RHK saved."),
        cancel=f"rhk-{rhk.pk}" if rhk else "rhk",
        extra={"choices": choices},
    )


@login_required
def rhk_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _rhk_form(request, load_skp(request, pk), None)


def _rhk_and_skp(request: HttpRequest, pk: int) -> tuple[Rhk, Skp]:
    user = request_account(request)
    rhk = get_rhk_for(user, pk)
    return rhk, get_skp_for(user, rhk.skp_id)


@login_required
def rhk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rhk, skp = _rhk_and_skp(request, pk)
    return _rhk_form(request, skp, rhk)


@login_required
@require_POST
def rhk_remove(request: HttpRequest, pk: int) -> HttpResponse:
    rhk, skp = _rhk_and_skp(request, pk)
    form = ActionForm(request.POST)
    form.is_valid()
    try:
        services.rhk_delete(
            actor=request_account(request),
            rhk=rhk,
            expected_version=form.cleaned_data.get("expected_version"),
        )
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        return failed(request, skp, exc.message)
    return done(request, skp, _("RHK removed."), "rhk")


# --- Indicators -----------------------------------------------------------------------------


def _indicator_form(
    request: HttpRequest, skp: Skp, rhk: Rhk, indicator: Indicator | None
) -> HttpResponse:
    user = request_account(request)
    initial = _version(skp)
    if indicator is not None:
        initial |= {
            "aspek": indicator.aspek,
            "text": indicator.text,
            "target_kind": indicator.target_kind,
            "target_min": indicator.target_min,
            "target_max": indicator.target_max,
            "target_text": indicator.target_text,
            "unit": indicator.unit,
        }
    form = IndicatorForm(_data(request), initial=initial)

    def save(data: dict[str, Any], version: int | None) -> str:
        services.indicator_save(
            actor=user,
            rhk=rhk,
            indicator=indicator,
            aspek=data["aspek"],
            text=data["text"],
            target_kind=data["target_kind"],
            target_min=data.get("target_min"),
            target_max=data.get("target_max"),
            target_text=data.get("target_text") or "",
            unit=data.get("unit") or "",
            expected_version=version,
        )
        return f"rhk-{rhk.pk}"

    return _form_page(
        request,
        skp,
        form,
        allowed=may_edit_content(user, skp),
        title=_("Add an indicator") if indicator is None else _("Change the indicator"),
        save=save,
        message=_("Indicator saved."),
        cancel=f"rhk-{rhk.pk}",
        extra={"rhk": rhk},
    )


@login_required
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    rhk, skp = _rhk_and_skp(request, pk)
    return _indicator_form(request, skp, rhk, None)


def _indicator_and_skp(request: HttpRequest, pk: int) -> tuple[Indicator, Skp]:
    user = request_account(request)
    indicator = get_indicator_for(user, pk)
    return indicator, get_skp_for(user, indicator.rhk.skp_id)


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator, skp = _indicator_and_skp(request, pk)
    return _indicator_form(request, skp, indicator.rhk, indicator)


@login_required
@require_POST
def indicator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    indicator, skp = _indicator_and_skp(request, pk)
    form = ActionForm(request.POST)
    form.is_valid()
    anchor = f"rhk-{indicator.rhk_id}"
    try:
        services.indicator_delete(
            actor=request_account(request),
            indicator=indicator,
            expected_version=form.cleaned_data.get("expected_version"),
        )
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        return failed(request, skp, exc.message)
    return done(request, skp, _("Indicator removed."), anchor)


# --- Lampiran -------------------------------------------------------------------------------


def _lampiran_form(request: HttpRequest, skp: Skp, item: Any) -> HttpResponse:
    user = request_account(request)
    initial = _version(skp)
    if item is not None:
        initial |= {"kind": item.kind, "text": item.text}
    elif request.GET.get("jenis"):
        initial["kind"] = request.GET["jenis"]
    form = LampiranForm(_data(request), initial=initial)

    def save(data: dict[str, Any], version: int | None) -> str:
        services.lampiran_save(
            actor=user,
            skp=skp,
            lampiran=item,
            kind=data["kind"],
            text=data["text"],
            expected_version=version,
        )
        return "lampiran"

    return _form_page(
        request,
        skp,
        form,
        allowed=may_edit_content(user, skp),
        title=_("Add an annex item") if item is None else _("Change the annex item"),
        save=save,
        message=_("Annex item saved."),
        cancel="lampiran",
    )


@login_required
def lampiran_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _lampiran_form(request, load_skp(request, pk), None)


def _lampiran_and_skp(request: HttpRequest, pk: int) -> tuple[Any, Skp]:
    user = request_account(request)
    item = get_lampiran_for(user, pk)
    return item, get_skp_for(user, item.skp_id)


@login_required
def lampiran_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item, skp = _lampiran_and_skp(request, pk)
    return _lampiran_form(request, skp, item)


@login_required
@require_POST
def lampiran_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item, skp = _lampiran_and_skp(request, pk)
    form = ActionForm(request.POST)
    form.is_valid()
    try:
        services.lampiran_delete(
            actor=request_account(request),
            lampiran=item,
            expected_version=form.cleaned_data.get("expected_version"),
        )
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        return failed(request, skp, exc.message)
    return done(request, skp, _("Annex item removed."), "lampiran")


# --- Perilaku -------------------------------------------------------------------------------


@login_required
def perilaku_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    skp = load_skp(request, pk)
    role = role_of(user, skp, atasan_of(skp.pegawai, today_in(user)))
    initial = _version(skp) | {f"value_{p.value}": p.expectation for p in skp.perilaku.all()}
    form = PerilakuForm(_data(request), initial=initial)

    def save(data: dict[str, Any], version: int | None) -> str:
        services.perilaku_update(
            actor=user, skp=skp, expectations=form.expectations(), expected_version=version
        )
        return "perilaku"

    return _form_page(
        request,
        skp,
        form,
        allowed=role.can_edit_perilaku,
        title=_("Perilaku expectations"),
        save=save,
        message=_("Perilaku expectations saved."),
        cancel="perilaku",
        extra={
            "perilaku_rows": [
                (form[f"value_{value}"], rules.guides_of(value)) for value in rules.BERAKHLAK
            ]
        },
    )
