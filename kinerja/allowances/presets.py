"""Built-in TPP preset templates: data, from ../shared/domain/RULES.md section 2. An instansi
installs one (or several) as its own preset and edits it; each edit is a new version with an
effective month, so a past month keeps the rules it was computed with.

Confidence marks follow RULES.md: (C) confirmed, (P) secondary source, (U) unconfirmed. Every
(P)/(U) number is a parameter the Pemda can change on /tpp/preset/. Where a source is silent a
template takes the national frame's value and says so in `sources`.
"""

from __future__ import annotations

import copy
from typing import Any

# Reference amounts per kelas ("RP.BPK" column of the Lubuklinggau SK, RULES.md 2.2) (P).
REFERENCE_BY_KELAS = {
    "15": "29286000", "14": "22295000", "13": "20010000", "12": "16000000", "11": "12370000",
    "10": "10760000", "9": "9360000", "8": "7523000", "7": "6633000", "6": "5764000",
    "5": "4807000", "4": "2849000", "3": "2354000", "2": "1947000", "1": "1540000",
}

# Permentan 68/2012, RULES.md 2.4 preset A (P): TL1-TL4 and PSW1-PSW4, % per occurrence.
PERMENTAN_BANDS = [
    {"code": "TL1", "applies_to": "late", "low": 1, "high": 30, "pct": "0.5"},
    {"code": "TL2", "applies_to": "late", "low": 31, "high": 60, "pct": "1"},
    {"code": "TL3", "applies_to": "late", "low": 61, "high": 90, "pct": "1.5"},
    {"code": "TL4", "applies_to": "late", "low": 91, "high": None, "pct": "2"},
    {"code": "PSW1", "applies_to": "early", "low": 1, "high": 30, "pct": "0.5"},
    {"code": "PSW2", "applies_to": "early", "low": 31, "high": 60, "pct": "1"},
    {"code": "PSW3", "applies_to": "early", "low": 61, "high": 90, "pct": "1.5"},
    {"code": "PSW4", "applies_to": "early", "low": 91, "high": None, "pct": "2"},
]

# Permentan 68/2012 leave table (RULES.md 2.6) (P), written as the percent cut (100 - paid).
PERMENTAN_LEAVE = {
    "tahunan": {"mode": "none"},
    "besar": {"mode": "month_of_leave", "by_month": ["50", "75", "90"]},
    "alasan_penting": {"mode": "month_of_leave", "by_month": ["50", "75"]},
    "melahirkan": {"mode": "none"},
    "sakit": {"mode": "days_in_month", "table": [[1, 2, "0"], [3, 14, "25"], [15, None, "50"]]},
    "cltn": {"mode": "unpaid"},
    "dinas_luar": {"mode": "none"},
    "tugas_belajar": {"mode": "none"},
    "izin": {"mode": "none"},
    "lainnya": {"mode": "none"},
}

# PP 94/2021 Pasal 8 and 11 (RULES.md 2.5) (P): the sanctions that cut the allowance.
PP94_SANCTIONS = {
    "potong_tunjangan_6": "25", "potong_tunjangan_9": "25", "potong_tunjangan_12": "25",
    "pemberhentian_sementara": "100", "pemberhentian": "100",
}

NATIONAL: dict[str, Any] = {
    "base": {"reference_by_kelas": REFERENCE_BY_KELAS, "index": "1"},
    "components": [{"key": "tpp", "label": "TPP (beban kerja dan prestasi kerja)", "pct": "100"}],
    "parts": [
        {"key": "kinerja", "label": "Kinerja", "pct": "60", "factor": "predikat"},
        {"key": "disiplin", "label": "Disiplin", "pct": "40", "factor": "none"},
    ],
    "deduction_base": "total",
    "sanction_base": "total",
    "factor_predikat": {"sangat_baik": "100", "baik": "100", "butuh_perbaikan": "75",
                        "kurang": "50", "sangat_kurang": "25"},
    "factor_missing": "0",
    "score_full_at": "100",
    "minutes_target": "6750",
    "bands": PERMENTAN_BANDS,
    "missing_in_code": "TL4",
    "missing_out_code": "PSW4",
    "absence_pct_per_day": "4",
    "no_log_pct_per_day": "0",
    "leave": PERMENTAN_LEAVE,
    "sanctions": PP94_SANCTIONS,
    "max_cut_pct": "100",
    "asn_type_pct": {"CPNS": "100", "PNS": "100", "PPPK": "100", "PPPK_PW": "100"},
    "status_pct": {"diberhentikan_sementara": "0", "tugas_belajar": "100"},
    "plt": {"mode": "higher_of", "pct": "0"},
    "bpjs": {"employee_pct": "1", "employer_pct": "4", "ceiling": "12000000", "on_tpp": True},
    "pph21": {"mode": "borne_by_apbd",
              "rates": {"I": "0", "II": "0", "III": "5", "IV": "15", "default": "0"}},
    "rounding": {"unit": "1", "mode": "half_up"},
    "sources": {
        "base": "Reference amounts per kelas as in the Lubuklinggau SK (RULES.md 2.2, P); "
                "index 1: set your Pemda's index",
        "parts": "60/40 kinerja/disiplin is common practice (Kepahiang), not a Kepmendagri "
                 "rule (RULES.md 2.3, U)",
        "factor_predikat": "(U) the BKN 3/2023 percentages of predikat, capped at 100%",
        "bands": "Permentan 68/2012 (RULES.md 2.4 preset A, P)",
        "absence_pct_per_day": "Permentan 68/2012: 4% per day absent (P)",
        "leave": "Permentan 68/2012 leave table (RULES.md 2.6, P); tugas belajar, izin and "
                 "dinas luar: not in the sources, no cut (U)",
        "sanctions": "PP 94/2021 Pasal 11: 25% for 6/9/12 months (RULES.md 2.5, P)",
        "max_cut_pct": "TKPKN monthly cap 100% (RULES.md 2.4 preset B, P)",
        "plt": "(U) not in the sources: the higher of the own and the acting position",
        "bpjs": "SE Mendagri 900/471/SJ: 4% Pemda, 1% employee, base ceiling Rp12,000,000 (C); "
                "TPP in the base (U)",
        "pph21": "(U) borne by APBD or withheld varies by Perbup; PP 80/2010 rates by golongan",
    },
}


def _with(template: dict[str, Any], /, **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(template)
    sources = dict(out["sources"])
    sources.update(changes.pop("sources", {}))
    out.update(changes)
    out["sources"] = sources
    return out


LUBUKLINGGAU = _with(
    NATIONAL,
    # The SK prints Rp1,391,519 for kelas 3, one rupiah under 2,354,000 x 0.59112978: its
    # index has more digits than the eight printed. The printed amount is what is paid.
    base={"reference_by_kelas": REFERENCE_BY_KELAS, "index": "0.59112978",
          "by_kelas": {"3": "1391519"}},
    components=[
        {"key": "beban_kerja", "label": "Beban kerja", "pct": "25",
         "pct_by_kelas": {"4": "40", "3": "40", "2": "50", "1": "50"}},
        {"key": "kondisi_kerja", "label": "Kondisi kerja (Pengguna Anggaran)", "pct": "20",
         "eligible": {"kelas": [14, 15], "budget_holder": True}},
        {"key": "prestasi_kerja", "label": "Prestasi kerja", "pct": "75",
         "pct_by_kelas": {"4": "60", "3": "60", "2": "50", "1": "50"}},
    ],
    sources={
        "base": "SK Wali Kota Lubuklinggau 2022: ITPP 0.59112978 x reference (RULES.md 2.2, P)",
        "components": "beban kerja 25% (kelas 3-4: 40%, 1-2: 50%) and kondisi kerja 20% for "
                      "Pengguna Anggaran kelas 14-15 from the SK (P); prestasi kerja as the "
                      "rest of the basic TPP is an assumption: the SK's further rows were "
                      "truncated in the copy read (U)",
    },
)

KEPAHIANG = _with(
    NATIONAL,
    deduction_base="disiplin",
    sanction_base="total",
    factor_missing="0",
    sources={
        "parts": "Kab. Kepahiang 2025/26: 60% kinerja, 40% disiplin/kehadiran; present but not "
                 "working gets only the 40% part (RULES.md 2.3, P news)",
        "deduction_base": "attendance cuts come off the 40% disiplin part (P)",
        "bands": "not in the source: Permentan 68/2012 bands (U)",
        "base": "not in the source: national reference amounts, index 1 (U)",
    },
)

OGAN_ILIR = _with(
    NATIONAL,
    bands=[{"code": "TL", "applies_to": "late", "low": 1, "high": None, "pct": "0.5"}],
    missing_in_code="TL",
    missing_out_code=None,
    absence_pct_per_day="3",
    no_log_pct_per_day="3",
    leave={**PERMENTAN_LEAVE, "besar": {"mode": "per_day", "pct": "3"}},
    sources={
        "bands": "Kab. Ogan Ilir 2023: late check-in 0.5% (RULES.md 2.4 preset C, P news)",
        "absence_pct_per_day": "Ogan Ilir: unexcused absence 3% per day (P)",
        "no_log_pct_per_day": "Ogan Ilir: no daily work report (LKH) counts as absent, 3% (P)",
        "leave": "Ogan Ilir: cuti besar (umrah, haji) 3% per day (P); others Permentan (U)",
    },
)

DELI_SERDANG = _with(
    NATIONAL,
    parts=[
        {"key": "kehadiran", "label": "Kehadiran (aspek perilaku)", "pct": "30",
         "factor": "none"},
        {"key": "skp", "label": "SKP", "pct": "20", "factor": "predikat"},
        {"key": "laporan_harian", "label": "Laporan harian", "pct": "50", "factor": "minutes"},
    ],
    deduction_base="kehadiran",
    sources={
        "parts": "Dinkes Kab. Deli Serdang app, Lampiran V Perbup: kehadiran 30, SKP 20, "
                 "laporan harian 50, minus DTW/PTW (RULES.md 2.3, P code)",
        "bands": "DTW/PTW bands not captured: Permentan 68/2012 (U)",
    },
)

TEMPLATES: dict[str, dict[str, Any]] = {
    "nasional": {"name": "Kerangka nasional (default)",
                 "legal_reference": "PP 12/2019 Pasal 58; Kepmendagri 900-4700/2020; "
                                    "Permentan 68/2012; PP 94/2021; SE Mendagri 900/471/SJ",
                 "params": NATIONAL},
    "lubuklinggau_2022": {"name": "Kota Lubuklinggau 2022",
                          "legal_reference": "SK/Perwali Lubuklinggau 2022 tentang TPP "
                                             "(ITPP 0,59112978)",
                          "params": LUBUKLINGGAU},
    "kepahiang_2025": {"name": "Kab. Kepahiang 2025",
                       "legal_reference": "Perbup Kepahiang tentang TPP 2025/2026 "
                                          "(60% kinerja, 40% disiplin)",
                       "params": KEPAHIANG},
    "ogan_ilir_2023": {"name": "Kab. Ogan Ilir 2023",
                       "legal_reference": "Perbup Ogan Ilir tentang TPP 2023 (3% per hari)",
                       "params": OGAN_ILIR},
    "deli_serdang": {"name": "Kab. Deli Serdang (Dinkes)",
                     "legal_reference": "Lampiran V Perbup Deli Serdang (kehadiran 30, SKP 20, "
                                        "laporan harian 50)",
                     "params": DELI_SERDANG},
}

DEFAULT_TEMPLATE = "nasional"


def template_params(key: str) -> dict[str, Any]:
    return copy.deepcopy(TEMPLATES[key]["params"])
