"""Pages of organisation goals: the Perjanjian Kinerja of an OPD and year with its sasaran and
IKU (/sasaran/), the Excel import (/sasaran/impor/) and the cascading tree (/pohon-kinerja/).

Goals are open to everyone of the instansi; the forms appear, and the POSTs are accepted, for
admin BKPSDM, the OPD's admin and the OPD's head (403 for others; another instansi's objects
are 404). Writes redirect back to the goals page with a message (post/redirect/get).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from kinerja.core.errors import ApplicationError, NotFound
from kinerja.core.http import wants_partial
from kinerja.core.selectors import performance_year
from kinerja.org.models import Opd
from kinerja.people.access import get_opd_for, opd_visible_to, request_account, today_in
from kinerja.people.models import Account
from kinerja.plans.goals import services
from kinerja.plans.goals.imports import EXAMPLE, goals_import, template_workbook
from kinerja.plans.goals.selectors import (
    default_opd,
    get_iku_for,
    get_perjanjian_for,
    get_sasaran_for,
    goal_writable_opds,
    goals_of,
    may_change_goals,
    may_import_goals,
)
from kinerja.plans.goals.tree import PAGE_ORPHANS, children_of, goal_tree, node_url_prefix
from kinerja.plans.models import Rhk

QUARTERS = [(1, "TW I"), (2, "TW II"), (3, "TW III"), (4, "TW IV")]


class NumberField(forms.DecimalField):
    """A number as people type it in either language: "85,5", "1.234,5" or "1234.5"."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if "," in value and "." in value:
                value = value.replace(".", "").replace(",", ".")
            elif "," in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class GoalForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ChooseForm(GoalForm):
    opd = forms.ModelChoiceField(label=_lazy("OPD"), queryset=Opd.objects.none(),
                                 empty_label=None)
    tahun = forms.IntegerField(label=_lazy("Year"), min_value=2000, max_value=2100)

    def __init__(self, account: Account, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["opd"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = opd_visible_to(account).filter(is_active=True).order_by("name")


class PerjanjianForm(GoalForm):
    year = forms.IntegerField(label=_lazy("Year"), min_value=2000, max_value=2100)
    signed_on = forms.DateField(label=_lazy("Signed on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))


class SasaranForm(GoalForm):
    code = forms.CharField(label=_lazy("Code"), max_length=40)
    text = forms.CharField(label=_lazy("Strategic objective"),
                           widget=forms.Textarea(attrs={"rows": 2}))
    order = forms.IntegerField(label=_lazy("Order"), min_value=0, max_value=32767,
                               required=False)


class IkuForm(GoalForm):
    code = forms.CharField(label=_lazy("Code"), max_length=40)
    indicator = forms.CharField(label=_lazy("Indicator"), widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.CharField(label=_lazy("Unit"), max_length=60)
    annual_target = NumberField(label=_lazy("Annual target"), max_digits=18, decimal_places=2)
    order = forms.IntegerField(label=_lazy("Order"), min_value=0, max_value=32767,
                               required=False)


class RealisationForm(GoalForm):
    quarter = forms.TypedChoiceField(label=_lazy("Quarter"), choices=QUARTERS, coerce=int)
    value = NumberField(label=_lazy("Realisation"), max_digits=18, decimal_places=2,
                        required=False)


class ImportForm(GoalForm):
    file = forms.FileField(
        label=_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_lazy("Dry run: check the file and show the counts, write nothing"), required=False
    )


def _render(request: HttpRequest, template: str, partial: str, context: dict[str, Any]
            ) -> HttpResponse:
    response = render(request, partial if wants_partial(request) else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _chosen(request: HttpRequest, account: Account) -> tuple[ChooseForm, Opd | None, int]:
    """The OPD and year from the query (?opd=&tahun=), else the account's own OPD this year."""
    year = today_in(account).year
    opd = default_opd(account)
    form = ChooseForm(account, request.GET or None)
    if form.is_bound:
        form.is_valid()
        opd = form.cleaned_data.get("opd") or opd
        year = form.cleaned_data.get("tahun") or year
    if not form.is_bound or form.errors:
        form = ChooseForm(account, initial={"opd": opd, "tahun": year})
    return form, opd, year


def _back(opd_id: int, year: int) -> HttpResponse:
    return redirect(f"{reverse('goals')}?opd={opd_id}&tahun={year}")


def _form_errors(form: forms.Form) -> str:
    return " ".join(f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errs)}"
                    for name, errs in form.errors.items())


@login_required
@require_GET
def goals(request: HttpRequest) -> HttpResponse:
    account = request_account(request)
    form, opd, year = _chosen(request, account)
    perjanjian = goals_of(opd, year) if opd is not None else None
    period = performance_year(account.instansi_id, year) if account.instansi_id else None
    context = {
        "form": form, "opd": opd, "year": year, "perjanjian": perjanjian,
        "can_edit": opd is not None and may_change_goals(account, opd),
        "period": period, "quarters": QUARTERS,
        "can_import": may_import_goals(account),
        "perjanjian_form": PerjanjianForm(initial={"year": year}),
        "sasaran_form": SasaranForm(), "iku_form": IkuForm(),
    }
    return _render(request, "plans/goals_index.html", "plans/goals_panel.html", context)


def _guard(request: HttpRequest, opd: Opd) -> Account:
    account = request_account(request)
    if not may_change_goals(account, opd):
        raise PermissionDenied(_("Only admin BKPSDM, the OPD's admin or its head may change "
                                 "the OPD's goals."))
    return account


def _found(getter: Any, request: HttpRequest, pk: int) -> Any:
    try:
        return getter(request_account(request), pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _run(request: HttpRequest, form: forms.Form, ok: str, action: Any) -> None:
    """Validate the form and call the service; the outcome becomes a message."""
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return
    try:
        action(form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)


@login_required
@require_POST
def perjanjian_save(request: HttpRequest, opd_id: int) -> HttpResponse:
    try:
        opd = get_opd_for(request_account(request), opd_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    account = _guard(request, opd)
    form = PerjanjianForm(request.POST)
    year = form.data.get("year", "")
    _run(request, form, _("Performance agreement saved."), lambda d: services.perjanjian_save(
        actor=account, opd=opd, year=d["year"], signed_on=d["signed_on"]))
    return _back(opd.pk, int(year) if str(year).isdigit() else today_in(account).year)


@login_required
@require_POST
def sasaran_add(request: HttpRequest, pk: int) -> HttpResponse:
    perjanjian = _found(get_perjanjian_for, request, pk)
    account = _guard(request, perjanjian.opd)
    _run(request, SasaranForm(request.POST), _("Strategic objective added."),
         lambda d: services.sasaran_save(actor=account, perjanjian=perjanjian, **d))
    return _back(perjanjian.opd_id, perjanjian.year)


@login_required
@require_POST
def sasaran_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sasaran = _found(get_sasaran_for, request, pk)
    perjanjian = sasaran.perjanjian
    account = _guard(request, perjanjian.opd)
    _run(request, SasaranForm(request.POST), _("Strategic objective saved."),
         lambda d: services.sasaran_save(actor=account, perjanjian=perjanjian, sasaran=sasaran,
                                         **d))
    return _back(perjanjian.opd_id, perjanjian.year)


@login_required
@require_POST
def sasaran_delete(request: HttpRequest, pk: int) -> HttpResponse:
    sasaran = _found(get_sasaran_for, request, pk)
    perjanjian = sasaran.perjanjian
    account = _guard(request, perjanjian.opd)
    _run(request, GoalForm(request.POST), _("Strategic objective deleted."),
         lambda d: services.sasaran_delete(actor=account, sasaran=sasaran))
    return _back(perjanjian.opd_id, perjanjian.year)


@login_required
@require_POST
def iku_add(request: HttpRequest, pk: int) -> HttpResponse:
    sasaran = _found(get_sasaran_for, request, pk)
    perjanjian = sasaran.perjanjian
    account = _guard(request, perjanjian.opd)
    _run(request, IkuForm(request.POST), _("IKU added."),
         lambda d: services.iku_save(actor=account, sasaran=sasaran, **d))
    return _back(perjanjian.opd_id, perjanjian.year)


@login_required
@require_POST
def iku_edit(request: HttpRequest, pk: int) -> HttpResponse:
    iku = _found(get_iku_for, request, pk)
    perjanjian = iku.sasaran.perjanjian
    account = _guard(request, perjanjian.opd)
    _run(request, IkuForm(request.POST), _("IKU saved."),
         lambda d: services.iku_save(actor=account, sasaran=iku.sasaran, iku=iku, **d))
    return _back(perjanjian.opd_id, perjanjian.year)


@login_required
@require_POST
def iku_delete(request: HttpRequest, pk: int) -> HttpResponse:
    iku = _found(get_iku_for, request, pk)
    perjanjian = iku.sasaran.perjanjian
    account = _guard(request, perjanjian.opd)
    _run(request, GoalForm(request.POST), _("IKU deleted."),
         lambda d: services.iku_delete(actor=account, iku=iku))
    return _back(perjanjian.opd_id, perjanjian.year)


@login_required
@require_POST
def iku_realisation(request: HttpRequest, pk: int) -> HttpResponse:
    iku = _found(get_iku_for, request, pk)
    perjanjian = iku.sasaran.perjanjian
    account = _guard(request, perjanjian.opd)
    _run(request, RealisationForm(request.POST), _("Realisation saved."),
         lambda d: services.iku_realisation_save(actor=account, iku=iku, quarter=d["quarter"],
                                                 value=d["value"]))
    return _back(perjanjian.opd_id, perjanjian.year)


# --- Import -------------------------------------------------------------------------------


def _require_importer(request: HttpRequest) -> Account:
    account = request_account(request)
    if not may_import_goals(account):
        raise Http404
    return account


@login_required
def goals_import_page(request: HttpRequest) -> HttpResponse:
    account = _require_importer(request)
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = goals_import(actor=account, upload=upload, file_name=upload.name,
                                  dry_run=form.cleaned_data["dry_run"])
        except ApplicationError as exc:
            form.add_error("file", exc.message)
    return render(request, "plans/goals_import.html", {"form": form, "result": result})


@login_required
@require_GET
def goals_template(request: HttpRequest) -> HttpResponse:
    account = _require_importer(request)
    opd = goal_writable_opds(account).order_by("name").first()
    example = list(EXAMPLE)
    if opd is not None:
        example[0] = opd.code
    example[1] = today_in(account).year
    response = HttpResponse(
        template_workbook([tuple(example)]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="perjanjian-kinerja.xlsx"'
    return response


# --- Tree ---------------------------------------------------------------------------------


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    account = request_account(request)
    form, opd, year = _chosen(request, account)
    tree = goal_tree(opd, year) if opd is not None else None
    all_orphans = request.GET.get("yatim") == "semua"
    context = {"form": form, "opd": opd, "year": year, "tree": tree,
               "node_url": node_url_prefix(),
               "orphans": (tree.orphans if all_orphans else tree.shown_orphans(PAGE_ORPHANS))
               if tree is not None else []}
    return _render(request, "plans/tree.html", "plans/_tree_panel.html", context)


@login_required
@require_GET
def tree_rhk(request: HttpRequest, pk: int) -> HttpResponse:
    """One RHK of the tree and the RHKs serving it (one level): the partial an opened node of
    /pohon-kinerja/ fetches (HTMX), or a page of its own without JavaScript. Same reading
    scope as the tree (the OPDs of the instansi); 404 outside it."""
    account = request_account(request)
    subtree = children_of(Rhk.objects.filter(skp__opd__in=opd_visible_to(account)), pk)
    if subtree is None:
        raise Http404
    context: dict[str, Any] = {"subtree": subtree, "children": subtree.children,
                               "node_url": node_url_prefix()}
    if not wants_partial(request):
        context["opd"] = Opd.objects.filter(pk=subtree.opd_id).first()
    return _render(request, "plans/tree_rhk.html", "plans/_tree_children.html", context)
