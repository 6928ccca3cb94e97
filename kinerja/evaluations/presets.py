"""Built-in score method presets (evaluations.models.ScoreMethod rows with no instansi),
loaded by a data migration (idempotent: update_or_create by key). An instansi's own method is
a ScoreMethod row with its instansi set (an operator task for now: docs/evaluation.md)."""

from __future__ import annotations

from typing import Any

DEFAULT_METHOD = "capaian-iki-8-2021"

BUILTIN_METHODS: list[dict[str, Any]] = [
    {
        "key": "capaian-iki-8-2021",
        "name": "Capaian IKI (PermenPANRB 8/2021)",
        "kind": "capaian_iki",
        "params": {
            "bands": [
                {"low": 0, "high": 59, "score_low": 0, "score_high": 49},
                {"low": 60, "high": 79, "score_low": 50, "score_high": 69},
                {"low": 80, "high": 99, "score_low": 70, "score_high": 89},
                {"low": 100, "high": 110, "score_low": 109, "score_high": 120},
            ],
            "ceiling": 120,
        },
        "source": (
            "PermenPANRB 8/2021: capaian = realisasi/target; nilai by category "
            "(RULES.md 1.10). The Baik/Sangat Baik band is a preset choice (unconfirmed)."
        ),
    },
    {
        "key": "menit-kerja-6750",
        "name": "Menit kerja terverifikasi (6.750 menit/bulan)",
        "kind": "work_minutes",
        "params": {"standard_minutes_per_month": 6750, "cap": 100},
        "source": "Common Perbup practice: verified minutes against 6,750 effective minutes a "
        "month, capped at 100.",
    },
    {
        "key": "konversi-angka-kredit",
        "name": "Konversi predikat (Peraturan BKN 3/2023)",
        "kind": "predikat_value",
        "params": {
            "values": {
                "sangat_baik": 150, "baik": 100, "butuh_perbaikan": 75, "kurang": 50,
                "sangat_kurang": 25,
            }
        },
        "source": "Peraturan BKN 3/2023: percent of the annual angka kredit per predikat "
        "(RULES.md 1.9a).",
    },
    {
        "key": "skp-pp46-2011",
        "name": "Nilai prestasi kerja (PP 46/2011: 60% SKP + 40% perilaku)",
        "kind": "skp_2011",
        "params": {
            "skp_weight": 60,
            "perilaku_values": {"di_atas": 91, "sesuai": 76, "di_bawah": 60},
        },
        "source": "PP 46/2011 + Perka BKN 1/2013 (RULES.md 1.10); the perilaku number per "
        "rating is a preset choice.",
    },
]
