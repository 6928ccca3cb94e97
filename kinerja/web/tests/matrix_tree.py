"""Matrix rows for the pohon kinerja's node page (/pohon-kinerja/rhk/<pk>/: one RHK and the RHKs
serving it, the partial an opened node fetches). Read like the tree itself: everyone of the
instansi (200), another instansi's RHK is 404. The tree page's own rows are in matrix_goals."""

from __future__ import annotations

from typing import Any

from kinerja.web.tests.matrix_base import Row, page


def _tree_rhk(world: Any, actor: str, name: str) -> str:
    if name == "foreign":
        foreign = world.__dict__.get("_tree_foreign")
        if foreign is None:
            from kinerja.plans.testing import plan_cast

            foreign = plan_cast(world.foreign)
            world.__dict__["_tree_foreign"] = foreign
        return str(foreign.rhk["sekretaris"].pk)
    return str(world.plan.rhk[name].pk)


TARGETS = {"tree_rhk": _tree_rhk}

ROWS: list[Row] = [
    Row("GET", "/pohon-kinerja/rhk/<int:pk>/", page(200), target="tree_rhk:sekretaris"),
    Row("GET", "/pohon-kinerja/rhk/<int:pk>/", page(404), target="tree_rhk:foreign"),
]
