"""National holidays and cuti bersama loaded into a new calendar year. Data, edited by admin
BKPSDM on /kalender/ when the government changes a date.

2026: SKB Menteri Agama, Menteri Ketenagakerjaan and MenPANRB on libur nasional and cuti
bersama 2026 (as published in September 2025). These dates are not in ../shared/domain/; they
were entered from the published SKB and must be checked against it by each Pemda (the page
says so). Years without a list here start empty.
"""

from __future__ import annotations

import datetime as dt

NASIONAL = "nasional"
CUTI_BERSAMA = "cuti_bersama"

SOURCES: dict[int, str] = {
    2026: "SKB 3 Menteri tentang Hari Libur Nasional dan Cuti Bersama Tahun 2026",
}

HOLIDAYS: dict[int, tuple[tuple[dt.date, str, str], ...]] = {
    2026: (
        (dt.date(2026, 1, 1), "Tahun Baru 2026 Masehi", NASIONAL),
        (dt.date(2026, 1, 16), "Isra Mikraj Nabi Muhammad SAW", NASIONAL),
        (dt.date(2026, 2, 16), "Cuti bersama Tahun Baru Imlek", CUTI_BERSAMA),
        (dt.date(2026, 2, 17), "Tahun Baru Imlek 2577 Kongzili", NASIONAL),
        (dt.date(2026, 3, 18), "Cuti bersama Hari Suci Nyepi", CUTI_BERSAMA),
        (dt.date(2026, 3, 19), "Hari Suci Nyepi Tahun Baru Saka 1948", NASIONAL),
        (dt.date(2026, 3, 20), "Cuti bersama Idulfitri 1447 H", CUTI_BERSAMA),
        (dt.date(2026, 3, 21), "Idulfitri 1447 H", NASIONAL),
        (dt.date(2026, 3, 22), "Idulfitri 1447 H", NASIONAL),
        (dt.date(2026, 3, 23), "Cuti bersama Idulfitri 1447 H", CUTI_BERSAMA),
        (dt.date(2026, 3, 24), "Cuti bersama Idulfitri 1447 H", CUTI_BERSAMA),
        (dt.date(2026, 4, 3), "Wafat Yesus Kristus", NASIONAL),
        (dt.date(2026, 4, 5), "Kebangkitan Yesus Kristus (Paskah)", NASIONAL),
        (dt.date(2026, 5, 1), "Hari Buruh Internasional", NASIONAL),
        (dt.date(2026, 5, 14), "Kenaikan Yesus Kristus", NASIONAL),
        (dt.date(2026, 5, 15), "Cuti bersama Kenaikan Yesus Kristus", CUTI_BERSAMA),
        (dt.date(2026, 5, 27), "Iduladha 1447 H", NASIONAL),
        (dt.date(2026, 5, 28), "Cuti bersama Iduladha 1447 H", CUTI_BERSAMA),
        (dt.date(2026, 5, 31), "Hari Raya Waisak 2570 BE", NASIONAL),
        (dt.date(2026, 6, 1), "Hari Lahir Pancasila", NASIONAL),
        (dt.date(2026, 6, 16), "1 Muharam Tahun Baru Islam 1448 H", NASIONAL),
        (dt.date(2026, 8, 17), "Hari Proklamasi Kemerdekaan RI", NASIONAL),
        (dt.date(2026, 8, 25), "Maulid Nabi Muhammad SAW", NASIONAL),
        (dt.date(2026, 12, 24), "Cuti bersama Kelahiran Yesus Kristus", CUTI_BERSAMA),
        (dt.date(2026, 12, 25), "Kelahiran Yesus Kristus", NASIONAL),
    ),
}

# Ramadan 1447 H (approximate; the Kementerian Agama sidang isbat fixes it each year).
RAMADAN: dict[int, tuple[dt.date, dt.date]] = {
    2026: (dt.date(2026, 2, 18), dt.date(2026, 3, 19)),
}


def holidays_of(year: int) -> tuple[tuple[dt.date, str, str], ...]:
    return HOLIDAYS.get(year, ())
