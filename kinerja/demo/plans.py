"""The demo Pemda's planning data, before any database write: performance years and months,
every OPD's Perjanjian Kinerja (sasaran strategis, IKU, realisation of past quarters) and the
SKPs of the year (RHK cascading down the rating line, indicators, perilaku expectations,
lampiran, monthly targets) with a believable spread of workflow states.

Pure (no ORM, no clock), like `kinerja.demo.plan`: the same demo plan and seed give the same
planning data, so the loader only allocates ids and writes rows.

Who rates whom is worked out with the same rule the application uses
(`kinerja.org.rules.resolve_atasan` on `today`): a vacant post passes rating up, a Plt or Plh
rates the staff of the post they act in, and nobody rates themself. Every RHK utama of a
subordinate hangs from an RHK of that pejabat penilai, and only when the pejabat penilai's SKP
is approved (`plans.rules.link_refusal`); an SKP is approved only when its parent SKP is.
A Plt or Plh gets one RHK for the acting duty, and the staff they rate through the acting post
hang from it.

The Dinas Kesehatan (`COMPLETE_OPD`) is the finished example: every SKP approved (except the
log-in table's pegawai, submitted for the atasan to act on) and every IKU cascading down to the
RHK of pelaksana and fungsional staff. Elsewhere some SKPs are submitted, returned, still draft,
or missing. BKPSDM (`LAST_YEAR_OPDS`) also has approved SKPs for last year, and one of its staff
has none yet this year (`featured["pegawai_tanpa_skp"]`), to try "start from last year".
"""

from __future__ import annotations

import datetime as dt
import gc
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from kinerja.demo.plan import DemoPlan, PositionPlan
from kinerja.org.rules import Atasan, Holding, HoldingKind, definitive_position_on, resolve_atasan
from kinerja.plans import rules

COMPLETE_OPD = "DINKES"
LAST_YEAR_OPDS = ("BKPSDM",)
TIME_ZONE = dt.timezone(dt.timedelta(hours=8), "WITA")  # Asia/Makassar: no daylight saving
INACTIVE = frozenset({"pensiun", "berhenti", "meninggal"})
LEAF_JENIS = frozenset({"pelaksana", "fungsional"})
DRAFT, SUBMITTED, APPROVED, RETURNED = (
    rules.DRAFT,
    rules.SUBMITTED,
    rules.APPROVED,
    rules.RETURNED,
)
TWO = Decimal("0.01")
T = TypeVar("T")

# --- Organisation goals -----------------------------------------------------------------------


@dataclass(frozen=True)
class IkuTemplate:
    indicator: str
    unit: str
    target: float  # this year's target
    step: float  # change against last year (negative when lower is better)
    perspektif: str
    rhk: str  # the head's RHK that hangs from it
    count: bool = False  # a quantity reached over the year (else a level)


@dataclass(frozen=True)
class SasaranTemplate:
    text: str
    iku: tuple[IkuTemplate, ...]


PL, PB, PI, AN = "penerima_layanan", "proses_bisnis", "penguatan_internal", "anggaran"


def _i(
    indicator: str, unit: str, target: float, step: float, persp: str, rhk: str, count: bool = False
) -> IkuTemplate:
    return IkuTemplate(indicator, unit, target, step, persp, rhk, count)


def _s(text: str, *iku: IkuTemplate) -> SasaranTemplate:
    return SasaranTemplate(text, iku)


GOALS: dict[str, tuple[SasaranTemplate, ...]] = {
    "DINKES": (
        _s(
            "Meningkatnya derajat kesehatan masyarakat",
            _i(
                "Prevalensi stunting pada balita",
                "persen",
                14.5,
                -1.5,
                PL,
                "Menurunnya prevalensi stunting pada balita",
            ),
            _i(
                "Angka kematian ibu",
                "per 100.000 kelahiran hidup",
                95,
                -8,
                PL,
                "Menurunnya angka kematian ibu melahirkan",
            ),
        ),
        _s(
            "Meningkatnya mutu dan akses pelayanan kesehatan",
            _i(
                "Persentase puskesmas terakreditasi paripurna",
                "persen",
                60,
                10,
                PB,
                "Meningkatnya mutu pelayanan kesehatan dasar di puskesmas",
            ),
            _i(
                "Indeks kepuasan masyarakat terhadap pelayanan kesehatan",
                "indeks",
                82,
                1.5,
                PL,
                "Meningkatnya kepuasan masyarakat terhadap pelayanan kesehatan",
            ),
        ),
        _s(
            "Meningkatnya pencegahan dan pengendalian penyakit",
            _i(
                "Cakupan imunisasi dasar lengkap",
                "persen",
                95,
                2,
                PL,
                "Meningkatnya cakupan imunisasi dasar lengkap pada bayi",
            ),
            _i(
                "Persentase keberhasilan pengobatan tuberkulosis",
                "persen",
                90,
                3,
                PB,
                "Meningkatnya keberhasilan pengobatan pasien tuberkulosis",
            ),
        ),
    ),
    "DISDIK": (
        _s(
            "Meningkatnya akses pendidikan dasar",
            _i(
                "Angka partisipasi murni SD",
                "persen",
                98.5,
                0.5,
                PL,
                "Meningkatnya partisipasi sekolah anak usia SD",
            ),
            _i(
                "Angka partisipasi murni SMP",
                "persen",
                82,
                1.5,
                PL,
                "Meningkatnya partisipasi sekolah anak usia SMP",
            ),
        ),
        _s(
            "Meningkatnya mutu pembelajaran",
            _i(
                "Persentase satuan pendidikan dengan capaian literasi kategori baik",
                "persen",
                55,
                5,
                PB,
                "Meningkatnya capaian literasi dan numerasi peserta didik",
            ),
            _i(
                "Persentase guru bersertifikat pendidik",
                "persen",
                75,
                4,
                PI,
                "Meningkatnya kualifikasi dan kompetensi guru",
            ),
        ),
        _s(
            "Meningkatnya layanan pendidikan anak usia dini",
            _i(
                "Angka partisipasi kasar PAUD",
                "persen",
                78,
                3,
                PL,
                "Meningkatnya partisipasi anak usia dini dalam layanan PAUD",
            ),
        ),
    ),
    "BKPSDM": (
        _s(
            "Meningkatnya profesionalitas ASN",
            _i(
                "Indeks profesionalitas ASN",
                "indeks",
                72,
                2,
                PL,
                "Meningkatnya profesionalitas ASN Pemerintah Kabupaten",
            ),
            _i(
                "Persentase ASN yang memenuhi standar kompetensi jabatan",
                "persen",
                65,
                5,
                PI,
                "Meningkatnya kesesuaian kompetensi ASN dengan standar jabatan",
            ),
        ),
        _s(
            "Meningkatnya kualitas manajemen ASN berbasis sistem merit",
            _i(
                "Nilai penilaian mandiri sistem merit",
                "nilai",
                325,
                15,
                PB,
                "Meningkatnya penerapan sistem merit dalam manajemen ASN",
            ),
            _i(
                "Persentase SKP pegawai yang disetujui tepat waktu",
                "persen",
                95,
                5,
                PB,
                "Meningkatnya ketepatan waktu penyusunan dan penetapan SKP",
            ),
        ),
        _s(
            "Meningkatnya akuntabilitas kinerja aparatur",
            _i(
                "Persentase ASN dengan predikat kinerja minimal Baik",
                "persen",
                90,
                3,
                PL,
                "Meningkatnya kinerja individu ASN",
            ),
        ),
    ),
    "INSPEKTORAT": (
        _s(
            "Meningkatnya kualitas pengawasan internal",
            _i(
                "Level kapabilitas APIP",
                "level",
                3,
                0,
                PB,
                "Meningkatnya kapabilitas aparat pengawasan intern pemerintah",
            ),
            _i(
                "Persentase rekomendasi hasil pemeriksaan yang ditindaklanjuti",
                "persen",
                85,
                5,
                PL,
                "Meningkatnya tindak lanjut rekomendasi hasil pemeriksaan",
            ),
        ),
        _s(
            "Meningkatnya efektivitas sistem pengendalian intern",
            _i(
                "Level maturitas SPIP",
                "level",
                3.5,
                0.2,
                PI,
                "Meningkatnya maturitas sistem pengendalian intern pemerintah",
            ),
        ),
        _s(
            "Menurunnya penyalahgunaan wewenang",
            _i(
                "Persentase pengaduan masyarakat yang ditindaklanjuti",
                "persen",
                100,
                0,
                PL,
                "Tertanganinya pengaduan masyarakat atas penyelenggaraan pemerintahan",
            ),
        ),
    ),
    "SETDA": (
        _s(
            "Meningkatnya kualitas koordinasi penyelenggaraan pemerintahan",
            _i(
                "Nilai evaluasi kinerja penyelenggaraan pemerintahan daerah",
                "nilai",
                3.1,
                0.1,
                PB,
                "Meningkatnya kinerja penyelenggaraan pemerintahan daerah",
            ),
            _i(
                "Indeks reformasi birokrasi",
                "indeks",
                70,
                3,
                PI,
                "Meningkatnya capaian reformasi birokrasi",
            ),
        ),
        _s(
            "Meningkatnya akuntabilitas kinerja pemerintah daerah",
            _i(
                "Nilai SAKIP pemerintah daerah",
                "nilai",
                72,
                3,
                PI,
                "Meningkatnya akuntabilitas kinerja pemerintah daerah",
            ),
            _i(
                "Persentase produk hukum daerah yang ditetapkan tepat waktu",
                "persen",
                90,
                5,
                PB,
                "Tersedianya produk hukum daerah yang tepat waktu",
            ),
        ),
        _s(
            "Meningkatnya kualitas pelayanan publik",
            _i(
                "Indeks pelayanan publik",
                "indeks",
                3.8,
                0.2,
                PL,
                "Meningkatnya kualitas pelayanan publik perangkat daerah",
            ),
        ),
    ),
    "DUKCAPIL": (
        _s(
            "Meningkatnya cakupan kepemilikan dokumen kependudukan",
            _i(
                "Persentase penduduk wajib KTP-el yang telah merekam",
                "persen",
                99,
                0.5,
                PL,
                "Meningkatnya perekaman KTP elektronik",
            ),
            _i(
                "Cakupan kepemilikan akta kelahiran anak 0-18 tahun",
                "persen",
                97,
                1,
                PL,
                "Meningkatnya kepemilikan akta kelahiran anak",
            ),
        ),
        _s(
            "Meningkatnya kualitas pelayanan administrasi kependudukan",
            _i(
                "Indeks kepuasan masyarakat terhadap layanan adminduk",
                "indeks",
                85,
                1,
                PL,
                "Meningkatnya kepuasan masyarakat terhadap layanan administrasi kependudukan",
            ),
            _i(
                "Persentase dokumen kependudukan terbit dalam satu hari kerja",
                "persen",
                90,
                5,
                PB,
                "Meningkatnya kecepatan penerbitan dokumen kependudukan",
            ),
        ),
        _s(
            "Meningkatnya pemanfaatan data kependudukan",
            _i(
                "Jumlah lembaga yang memanfaatkan data kependudukan",
                "lembaga",
                25,
                5,
                PB,
                "Meningkatnya pemanfaatan data kependudukan oleh lembaga pengguna",
                count=True,
            ),
        ),
    ),
    "DISHUB": (
        _s(
            "Meningkatnya keselamatan lalu lintas",
            _i(
                "Angka kecelakaan lalu lintas",
                "per 10.000 kendaraan",
                4.2,
                -0.3,
                PL,
                "Menurunnya angka kecelakaan lalu lintas",
            ),
            _i(
                "Persentase kendaraan wajib uji yang lulus uji berkala",
                "persen",
                92,
                2,
                PB,
                "Meningkatnya kelaikan kendaraan bermotor wajib uji",
            ),
        ),
        _s(
            "Meningkatnya kualitas layanan angkutan umum",
            _i(
                "Indeks kepuasan pengguna angkutan umum",
                "indeks",
                78,
                2,
                PL,
                "Meningkatnya kualitas layanan angkutan umum",
            ),
        ),
        _s(
            "Meningkatnya ketersediaan prasarana perhubungan",
            _i(
                "Persentase ruas jalan kabupaten yang dilengkapi rambu dan marka",
                "persen",
                70,
                5,
                AN,
                "Meningkatnya kelengkapan perlengkapan jalan kabupaten",
            ),
        ),
    ),
    "DLH": (
        _s(
            "Meningkatnya kualitas lingkungan hidup",
            _i(
                "Indeks kualitas lingkungan hidup",
                "indeks",
                68,
                1,
                PL,
                "Meningkatnya kualitas lingkungan hidup daerah",
            ),
            _i("Indeks kualitas air", "indeks", 58, 1, PL, "Meningkatnya kualitas air sungai"),
        ),
        _s(
            "Meningkatnya pengelolaan sampah",
            _i(
                "Persentase sampah yang tertangani",
                "persen",
                75,
                5,
                PB,
                "Meningkatnya penanganan sampah rumah tangga",
            ),
            _i(
                "Persentase pengurangan sampah dari sumbernya",
                "persen",
                25,
                3,
                PL,
                "Meningkatnya pengurangan sampah dari sumbernya",
            ),
        ),
        _s(
            "Meningkatnya ketaatan usaha terhadap perizinan lingkungan",
            _i(
                "Persentase usaha yang taat dokumen lingkungan",
                "persen",
                80,
                5,
                PB,
                "Meningkatnya ketaatan pelaku usaha terhadap dokumen lingkungan",
            ),
        ),
    ),
    "BAPPERIDA": (
        _s(
            "Meningkatnya kualitas perencanaan pembangunan daerah",
            _i(
                "Persentase konsistensi program RKPD dengan RPJMD",
                "persen",
                95,
                2,
                PB,
                "Meningkatnya konsistensi perencanaan pembangunan daerah",
            ),
            _i(
                "Nilai evaluasi dokumen perencanaan daerah",
                "nilai",
                85,
                2,
                PI,
                "Meningkatnya kualitas dokumen perencanaan daerah",
            ),
        ),
        _s(
            "Meningkatnya inovasi daerah",
            _i(
                "Indeks inovasi daerah",
                "indeks",
                60,
                5,
                PL,
                "Meningkatnya daya saing inovasi daerah",
            ),
            _i(
                "Jumlah inovasi daerah yang diterapkan",
                "inovasi",
                30,
                6,
                PB,
                "Bertambahnya inovasi daerah yang diterapkan",
                count=True,
            ),
        ),
        _s(
            "Meningkatnya pemanfaatan hasil riset",
            _i(
                "Persentase rekomendasi hasil kajian yang ditindaklanjuti",
                "persen",
                60,
                10,
                PB,
                "Meningkatnya pemanfaatan hasil riset dalam kebijakan daerah",
            ),
        ),
    ),
    "BPKAD": (
        _s(
            "Meningkatnya akuntabilitas pengelolaan keuangan daerah",
            _i(
                "Persentase rekomendasi BPK atas laporan keuangan yang ditindaklanjuti",
                "persen",
                90,
                5,
                PB,
                "Meningkatnya akuntabilitas laporan keuangan daerah",
            ),
            _i(
                "Persentase realisasi belanja daerah",
                "persen",
                95,
                1,
                AN,
                "Meningkatnya penyerapan anggaran belanja daerah",
            ),
        ),
        _s(
            "Meningkatnya kualitas pengelolaan aset daerah",
            _i(
                "Persentase aset tanah yang bersertifikat",
                "persen",
                70,
                8,
                PB,
                "Meningkatnya kepastian hukum aset tanah daerah",
            ),
            _i(
                "Persentase barang milik daerah yang tercatat sesuai standar",
                "persen",
                95,
                3,
                PI,
                "Tertibnya penatausahaan barang milik daerah",
            ),
        ),
        _s(
            "Meningkatnya kemandirian keuangan daerah",
            _i(
                "Rasio pendapatan asli daerah terhadap total pendapatan",
                "persen",
                12,
                1,
                AN,
                "Meningkatnya kontribusi pendapatan asli daerah",
            ),
        ),
    ),
    "PUPR": (
        _s(
            "Meningkatnya kualitas infrastruktur jalan",
            _i(
                "Persentase jalan kabupaten dalam kondisi mantap",
                "persen",
                72,
                4,
                PL,
                "Meningkatnya kemantapan jalan kabupaten",
            ),
            _i(
                "Panjang jalan kabupaten yang ditingkatkan",
                "km",
                35,
                5,
                AN,
                "Bertambahnya panjang jalan kabupaten yang ditingkatkan",
                count=True,
            ),
        ),
        _s(
            "Meningkatnya layanan sumber daya air",
            _i(
                "Persentase daerah irigasi dalam kondisi baik",
                "persen",
                68,
                3,
                PL,
                "Meningkatnya kondisi jaringan irigasi kewenangan kabupaten",
            ),
        ),
        _s(
            "Meningkatnya kesesuaian pemanfaatan ruang",
            _i(
                "Persentase kesesuaian pemanfaatan ruang dengan RTRW",
                "persen",
                85,
                3,
                PB,
                "Meningkatnya kesesuaian pemanfaatan ruang",
            ),
            _i(
                "Jumlah rencana detail tata ruang yang ditetapkan",
                "dokumen",
                2,
                1,
                PB,
                "Tersedianya rencana detail tata ruang",
                count=True,
            ),
        ),
    ),
    "KEC": (
        _s(
            "Meningkatnya kualitas pelayanan publik di kecamatan",
            _i(
                "Indeks kepuasan masyarakat terhadap layanan kecamatan",
                "indeks",
                82,
                1.5,
                PL,
                "Meningkatnya kepuasan masyarakat terhadap layanan kecamatan",
            ),
            _i(
                "Persentase layanan PATEN yang selesai tepat waktu",
                "persen",
                95,
                2,
                PB,
                "Meningkatnya ketepatan waktu pelayanan administrasi terpadu kecamatan",
            ),
        ),
        _s(
            "Meningkatnya ketenteraman dan ketertiban umum",
            _i(
                "Persentase gangguan ketenteraman dan ketertiban yang tertangani",
                "persen",
                90,
                3,
                PL,
                "Tertanganinya gangguan ketenteraman dan ketertiban umum",
            ),
        ),
        _s(
            "Meningkatnya pemberdayaan masyarakat desa",
            _i(
                "Persentase desa berstatus maju dan mandiri",
                "persen",
                40,
                5,
                PL,
                "Meningkatnya status perkembangan desa",
            ),
            _i(
                "Persentase desa yang menyampaikan laporan APBDes tepat waktu",
                "persen",
                90,
                5,
                PB,
                "Tertibnya pelaporan keuangan desa",
            ),
        ),
    ),
}


def goals_for(opd_code: str) -> tuple[SasaranTemplate, ...]:
    return GOALS["KEC"] if opd_code.startswith("KEC") else GOALS[opd_code]


# --- Individual RHK -------------------------------------------------------------------------
# (RHK, kuantitas indicator, unit, low, high): the annual quantity is drawn between low and high.
Pool = tuple[tuple[str, str, str, int, int], ...]

STRUCTURAL_POOLS: dict[str, Pool] = {
    "asisten": (
        (
            "Terkoordinasinya perumusan kebijakan {t}",
            "Jumlah rekomendasi kebijakan {t} yang ditindaklanjuti",
            "rekomendasi",
            6,
            12,
        ),
        (
            "Meningkatnya kualitas pembinaan perangkat daerah di bidang {t}",
            "Jumlah rapat koordinasi dan evaluasi bidang {t}",
            "kegiatan",
            8,
            12,
        ),
        (
            "Terlaksananya pemantauan dan evaluasi program {t}",
            "Jumlah laporan evaluasi program {t}",
            "laporan",
            4,
            4,
        ),
    ),
    "sekretaris": (
        (
            "Terselenggaranya layanan administrasi umum dan kepegawaian {o} yang tertib",
            "Jumlah laporan layanan umum dan kepegawaian",
            "laporan",
            12,
            12,
        ),
        (
            "Tersusunnya dokumen perencanaan dan laporan kinerja {o}",
            "Jumlah dokumen perencanaan dan pelaporan kinerja yang tersusun",
            "dokumen",
            5,
            6,
        ),
        (
            "Meningkatnya akuntabilitas pengelolaan keuangan {o}",
            "Jumlah laporan keuangan yang disusun tepat waktu",
            "laporan",
            12,
            14,
        ),
    ),
    "administrator": (
        (
            "Meningkatnya kinerja penyelenggaraan urusan {t}",
            "Jumlah program {t} yang terlaksana sesuai rencana",
            "program",
            3,
            6,
        ),
        (
            "Tersusunnya kebijakan teknis {t}",
            "Jumlah rancangan kebijakan teknis {t} yang tersusun",
            "dokumen",
            2,
            4,
        ),
        (
            "Terlaksananya pembinaan dan evaluasi kegiatan {t}",
            "Jumlah laporan evaluasi kegiatan {t}",
            "laporan",
            4,
            12,
        ),
    ),
    "irban": (
        (
            "Terlaksananya pengawasan penyelenggaraan pemerintahan daerah di {t}",
            "Jumlah laporan hasil pengawasan",
            "LHP",
            12,
            24,
        ),
        (
            "Terlaksananya reviu dan evaluasi akuntabilitas perangkat daerah di {t}",
            "Jumlah laporan hasil reviu dan evaluasi",
            "laporan",
            6,
            12,
        ),
        (
            "Terpantaunya tindak lanjut hasil pemeriksaan di {t}",
            "Jumlah laporan pemantauan tindak lanjut",
            "laporan",
            4,
            4,
        ),
    ),
    "pengawas": (
        (
            "Terlaksananya kegiatan {t} sesuai rencana aksi",
            "Jumlah kegiatan {t} yang terlaksana",
            "kegiatan",
            6,
            24,
        ),
        ("Tersusunnya data dan laporan {t} yang akurat", "Jumlah laporan {t}", "laporan", 12, 12),
        (
            "Meningkatnya kualitas layanan {u}",
            "Jumlah layanan {u} yang diselesaikan",
            "layanan",
            50,
            300,
        ),
    ),
    "puskesmas": (
        (
            "Meningkatnya mutu pelayanan kesehatan dasar di {u}",
            "Jumlah kunjungan pelayanan kesehatan",
            "kunjungan",
            9000,
            18000,
        ),
        (
            "Tercapainya standar pelayanan minimal bidang kesehatan di wilayah kerja {u}",
            "Jumlah indikator SPM kesehatan yang tercapai",
            "indikator",
            10,
            12,
        ),
        (
            "Terlaksananya manajemen puskesmas yang akuntabel",
            "Jumlah dokumen lokakarya mini dan laporan manajemen",
            "dokumen",
            12,
            16,
        ),
    ),
    "kepala_sekolah": (
        (
            "Meningkatnya mutu pembelajaran di {u}",
            "Jumlah supervisi akademik guru yang dilaksanakan",
            "kali",
            12,
            24,
        ),
        (
            "Terwujudnya pengelolaan sekolah yang akuntabel",
            "Jumlah laporan penggunaan dana BOS",
            "laporan",
            4,
            4,
        ),
        (
            "Meningkatnya capaian rapor pendidikan {u}",
            "Jumlah program tindak lanjut rapor pendidikan",
            "program",
            2,
            4,
        ),
    ),
}

PROFILE_POOLS: dict[str, Pool] = {
    "dokter": (
        (
            "Terlaksananya pelayanan medis dasar bagi pasien puskesmas",
            "Jumlah pasien yang mendapat pelayanan medis",
            "pasien",
            1800,
            3600,
        ),
        (
            "Terlaksananya pemeriksaan kesehatan ibu hamil dan calon pengantin",
            "Jumlah pemeriksaan kesehatan",
            "orang",
            150,
            400,
        ),
        (
            "Terlaksananya rujukan pasien sesuai indikasi medis",
            "Jumlah rujukan yang sesuai prosedur",
            "rujukan",
            60,
            200,
        ),
    ),
    "dokter_gigi": (
        (
            "Terlaksananya pelayanan kesehatan gigi dan mulut",
            "Jumlah pasien yang mendapat pelayanan kesehatan gigi",
            "pasien",
            900,
            1800,
        ),
        (
            "Terlaksananya usaha kesehatan gigi sekolah",
            "Jumlah sekolah yang mendapat pemeriksaan gigi",
            "sekolah",
            6,
            12,
        ),
        (
            "Terlaksananya penyuluhan kesehatan gigi dan mulut",
            "Jumlah kegiatan penyuluhan",
            "kegiatan",
            12,
            24,
        ),
    ),
    "perawat": (
        (
            "Terlaksananya asuhan keperawatan pada pasien rawat jalan",
            "Jumlah pasien yang mendapat asuhan keperawatan",
            "pasien",
            900,
            2400,
        ),
        (
            "Terlaksananya tindakan keperawatan dasar sesuai standar",
            "Jumlah tindakan keperawatan",
            "tindakan",
            600,
            1500,
        ),
        (
            "Terlaksananya perawatan kesehatan masyarakat",
            "Jumlah keluarga rawan yang dikunjungi",
            "keluarga",
            48,
            120,
        ),
    ),
    "bidan": (
        (
            "Terlaksananya pelayanan antenatal sesuai standar bagi ibu hamil",
            "Jumlah ibu hamil yang mendapat pelayanan antenatal",
            "orang",
            120,
            360,
        ),
        (
            "Terlaksananya pertolongan persalinan oleh tenaga kesehatan",
            "Jumlah persalinan yang ditolong sesuai standar",
            "persalinan",
            36,
            120,
        ),
        (
            "Terlaksananya pelayanan keluarga berencana",
            "Jumlah akseptor KB yang dilayani",
            "orang",
            120,
            300,
        ),
        (
            "Terlaksananya pemantauan tumbuh kembang balita",
            "Jumlah balita yang dipantau tumbuh kembangnya",
            "balita",
            200,
            600,
        ),
    ),
    "nutrisionis": (
        (
            "Terlaksananya pemantauan status gizi balita",
            "Jumlah balita yang dipantau status gizinya",
            "balita",
            300,
            900,
        ),
        (
            "Terlaksananya konseling gizi bagi ibu hamil dan balita",
            "Jumlah konseling gizi",
            "orang",
            120,
            360,
        ),
        (
            "Terlaksananya pemberian makanan tambahan bagi balita gizi kurang",
            "Jumlah balita gizi kurang yang mendapat PMT",
            "balita",
            24,
            96,
        ),
    ),
    "kesmas": (
        (
            "Terlaksananya promosi kesehatan di masyarakat",
            "Jumlah kegiatan penyuluhan kesehatan",
            "kegiatan",
            24,
            48,
        ),
        (
            "Tersusunnya analisis data program kesehatan",
            "Jumlah dokumen analisis program kesehatan",
            "dokumen",
            4,
            12,
        ),
        (
            "Terlaksananya surveilans penyakit menular",
            "Jumlah laporan surveilans mingguan",
            "laporan",
            52,
            52,
        ),
    ),
    "apoteker": (
        (
            "Terlaksananya pengelolaan obat dan bahan medis habis pakai",
            "Jumlah laporan pemakaian dan lembar permintaan obat",
            "laporan",
            12,
            12,
        ),
        (
            "Terlaksananya pengawasan sarana kefarmasian",
            "Jumlah sarana kefarmasian yang diawasi",
            "sarana",
            12,
            36,
        ),
        (
            "Terlaksananya pelayanan informasi obat",
            "Jumlah pasien yang mendapat informasi obat",
            "orang",
            300,
            900,
        ),
    ),
    "farmasi": (
        (
            "Terlaksananya pelayanan resep di puskesmas",
            "Jumlah resep yang dilayani",
            "resep",
            3000,
            9000,
        ),
        ("Tertibnya pencatatan persediaan obat", "Jumlah laporan stok obat", "laporan", 12, 12),
        (
            "Terlaksananya pemeriksaan obat kedaluwarsa",
            "Jumlah pemeriksaan gudang obat",
            "kali",
            12,
            12,
        ),
    ),
    "lab": (
        (
            "Terlaksananya pemeriksaan laboratorium klinik dasar",
            "Jumlah pemeriksaan laboratorium",
            "pemeriksaan",
            1200,
            3600,
        ),
        (
            "Terlaksananya pemantapan mutu internal laboratorium",
            "Jumlah kegiatan pemantapan mutu",
            "kegiatan",
            12,
            12,
        ),
        (
            "Terlaksananya pemeriksaan sampel program penyakit menular",
            "Jumlah sampel program yang diperiksa",
            "sampel",
            120,
            360,
        ),
    ),
    "sanitarian": (
        (
            "Terlaksananya inspeksi kesehatan lingkungan",
            "Jumlah tempat umum dan rumah yang diinspeksi",
            "lokasi",
            120,
            360,
        ),
        (
            "Terlaksananya pemicuan sanitasi total berbasis masyarakat",
            "Jumlah desa yang dipicu STBM",
            "desa",
            4,
            12,
        ),
        (
            "Terlaksananya pengawasan kualitas air minum",
            "Jumlah sampel air minum yang diuji",
            "sampel",
            24,
            72,
        ),
    ),
    "guru": (
        (
            "Terlaksananya pembelajaran yang berpusat pada peserta didik",
            "Jumlah jam tatap muka pembelajaran",
            "jam pelajaran",
            864,
            1152,
        ),
        (
            "Tersusunnya perangkat ajar sesuai Kurikulum Merdeka",
            "Jumlah modul ajar yang disusun",
            "modul",
            8,
            16,
        ),
        (
            "Terlaksananya penilaian hasil belajar peserta didik",
            "Jumlah rapor peserta didik yang diselesaikan",
            "rapor",
            28,
            64,
        ),
        (
            "Terlaksananya bimbingan dan pembinaan peserta didik",
            "Jumlah peserta didik yang dibimbing",
            "orang",
            28,
            64,
        ),
    ),
    "sdm": (
        (
            "Tersusunnya analisis kebutuhan pengembangan SDM aparatur",
            "Jumlah dokumen analisis SDM aparatur",
            "dokumen",
            4,
            8,
        ),
        (
            "Terselesaikannya usulan layanan kepegawaian",
            "Jumlah usulan layanan kepegawaian yang diproses",
            "usulan",
            120,
            480,
        ),
        (
            "Terverifikasinya dokumen penilaian kinerja pegawai",
            "Jumlah dokumen penilaian kinerja yang diverifikasi",
            "dokumen",
            200,
            800,
        ),
    ),
    "auditor": (
        (
            "Terlaksananya audit kinerja perangkat daerah",
            "Jumlah laporan hasil audit",
            "LHA",
            6,
            12,
        ),
        (
            "Terlaksananya reviu laporan keuangan dan kinerja",
            "Jumlah laporan hasil reviu",
            "laporan",
            4,
            8,
        ),
        (
            "Terpantaunya tindak lanjut hasil pemeriksaan",
            "Jumlah rekomendasi yang dipantau tindak lanjutnya",
            "rekomendasi",
            40,
            120,
        ),
    ),
    "teknik": (
        (
            "Tersusunnya dokumen perencanaan teknis",
            "Jumlah dokumen perencanaan teknis yang tersusun",
            "dokumen",
            3,
            8,
        ),
        (
            "Terlaksananya pengawasan pekerjaan konstruksi",
            "Jumlah paket pekerjaan yang diawasi",
            "paket",
            4,
            12,
        ),
        ("Terlaksananya survei kondisi infrastruktur", "Jumlah ruas yang disurvei", "ruas", 10, 40),
    ),
    "teknik_terampil": (
        (
            "Terlaksananya pengujian berkala kendaraan bermotor",
            "Jumlah kendaraan yang diuji",
            "kendaraan",
            1200,
            3000,
        ),
        (
            "Tertibnya pencatatan hasil uji kendaraan",
            "Jumlah kartu uji yang diterbitkan",
            "kartu",
            1000,
            2500,
        ),
        (
            "Terpeliharanya peralatan pengujian kendaraan",
            "Jumlah kalibrasi peralatan uji",
            "kali",
            2,
            4,
        ),
    ),
    "lingkungan": (
        (
            "Terlaksananya pengawasan ketaatan usaha terhadap dokumen lingkungan",
            "Jumlah usaha yang diawasi",
            "usaha",
            12,
            36,
        ),
        (
            "Terlaksananya pemantauan kualitas air dan udara",
            "Jumlah titik pantau yang diuji",
            "titik",
            12,
            48,
        ),
        (
            "Tersusunnya telaahan dokumen lingkungan",
            "Jumlah dokumen lingkungan yang ditelaah",
            "dokumen",
            10,
            30,
        ),
    ),
    "perencana": (
        (
            "Tersusunnya dokumen perencanaan pembangunan daerah",
            "Jumlah dokumen perencanaan yang disusun",
            "dokumen",
            3,
            6,
        ),
        (
            "Terlaksananya pengendalian dan evaluasi rencana pembangunan",
            "Jumlah laporan pengendalian dan evaluasi",
            "laporan",
            4,
            12,
        ),
        (
            "Terverifikasinya rencana kerja perangkat daerah",
            "Jumlah rencana kerja perangkat daerah yang diverifikasi",
            "dokumen",
            10,
            30,
        ),
    ),
    "kependudukan": (
        (
            "Terkelolanya basis data kependudukan",
            "Jumlah pemutakhiran data kependudukan",
            "kali",
            12,
            24,
        ),
        (
            "Terselesaikannya konsolidasi dan pembersihan data kependudukan",
            "Jumlah data ganda yang diselesaikan",
            "rekam data",
            200,
            800,
        ),
        (
            "Terlayaninya hak akses data kependudukan bagi lembaga pengguna",
            "Jumlah lembaga pengguna yang dilayani",
            "lembaga",
            6,
            20,
        ),
    ),
}

NAME_POOLS: dict[str, Pool] = {
    "Pranata Komputer": (
        (
            "Terpeliharanya sistem informasi kepegawaian",
            "Jumlah pemeliharaan sistem",
            "kali",
            12,
            24,
        ),
        (
            "Terlayaninya permintaan dukungan teknis TIK",
            "Jumlah permintaan dukungan teknis yang diselesaikan",
            "tiket",
            60,
            200,
        ),
        ("Tersedianya cadangan data aplikasi", "Jumlah pencadangan data", "kali", 12, 52),
    ),
    "Pengadministrasi Perkantoran": (
        (
            "Terlaksananya pengelolaan surat masuk dan keluar",
            "Jumlah surat yang diagendakan",
            "surat",
            600,
            1800,
        ),
        (
            "Tertatanya arsip dinamis unit kerja",
            "Jumlah berkas arsip yang ditata",
            "berkas",
            200,
            600,
        ),
        (
            "Terlaksananya layanan administrasi perkantoran",
            "Jumlah laporan administrasi perkantoran",
            "laporan",
            12,
            12,
        ),
    ),
    "Operator Layanan Operasional": (
        (
            "Terlaksananya layanan operasional kantor",
            "Jumlah layanan operasional",
            "layanan",
            240,
            600,
        ),
        (
            "Terpeliharanya sarana dan prasarana kantor",
            "Jumlah laporan pemeliharaan sarana",
            "laporan",
            12,
            12,
        ),
        (
            "Terlaksananya dukungan rapat dan kegiatan pimpinan",
            "Jumlah kegiatan yang didukung",
            "kegiatan",
            24,
            96,
        ),
    ),
    "Pengolah Data dan Informasi": (
        (
            "Tersedianya data dan informasi unit kerja yang mutakhir",
            "Jumlah data yang diolah dan dimutakhirkan",
            "set data",
            12,
            36,
        ),
        ("Tersusunnya laporan statistik kegiatan", "Jumlah laporan statistik", "laporan", 12, 12),
        (
            "Terkelolanya konten informasi publik unit kerja",
            "Jumlah informasi yang dipublikasikan",
            "informasi",
            24,
            60,
        ),
    ),
    "Penata Layanan Operasional": (
        (
            "Tertatanya layanan operasional unit kerja",
            "Jumlah bahan layanan operasional yang disiapkan",
            "dokumen",
            24,
            60,
        ),
        (
            "Tersusunnya bahan evaluasi layanan",
            "Jumlah bahan evaluasi yang tersusun",
            "dokumen",
            4,
            12,
        ),
        (
            "Terlayaninya pengguna layanan unit kerja",
            "Jumlah pengguna layanan yang dilayani",
            "orang",
            240,
            720,
        ),
    ),
    "Penelaah Teknis Kebijakan": (
        (
            "Tersusunnya telaahan teknis kebijakan",
            "Jumlah telaahan staf yang disusun",
            "telaahan",
            12,
            36,
        ),
        ("Tersusunnya bahan rumusan kebijakan", "Jumlah bahan rumusan kebijakan", "dokumen", 4, 12),
        ("Tersusunnya kajian pelaksanaan kebijakan", "Jumlah kajian yang disusun", "kajian", 2, 6),
    ),
    "Pengelola Layanan Keuangan": (
        (
            "Tertibnya penatausahaan keuangan",
            "Jumlah SPP dan SPM yang diproses",
            "dokumen",
            120,
            480,
        ),
        (
            "Terverifikasinya bukti pengeluaran",
            "Jumlah bukti pengeluaran yang diverifikasi",
            "bukti",
            300,
            1200,
        ),
        (
            "Tertibnya pembukuan bendahara",
            "Jumlah buku kas umum yang ditutup tepat waktu",
            "bulan",
            12,
            12,
        ),
    ),
    "Penata Laporan Keuangan": (
        (
            "Tersusunnya laporan keuangan yang tepat waktu",
            "Jumlah laporan keuangan yang disusun",
            "laporan",
            14,
            16,
        ),
        (
            "Terlaksananya rekonsiliasi data keuangan",
            "Jumlah berita acara rekonsiliasi",
            "berita acara",
            12,
            12,
        ),
        (
            "Tersusunnya catatan atas laporan keuangan",
            "Jumlah dokumen CaLK yang disusun",
            "dokumen",
            2,
            2,
        ),
    ),
    "Petugas Kebersihan": (
        (
            "Terlaksananya penyapuan jalan dan fasilitas umum",
            "Jumlah hari penyapuan ruas jalan protokol",
            "hari",
            240,
            264,
        ),
        (
            "Terangkutnya sampah dari TPS ke TPA",
            "Jumlah ritase pengangkutan sampah",
            "rit",
            480,
            960,
        ),
        (
            "Terpeliharanya kebersihan taman kota",
            "Jumlah hari pemeliharaan taman",
            "hari",
            240,
            264,
        ),
    ),
}
GENERIC_POOL: Pool = (
    (
        "Terlaksananya tugas pelayanan unit kerja",
        "Jumlah layanan yang diselesaikan",
        "layanan",
        120,
        360,
    ),
    ("Tersusunnya laporan pelaksanaan tugas", "Jumlah laporan yang disusun", "laporan", 12, 12),
    ("Tertatanya dokumen kerja unit", "Jumlah berkas yang ditata", "berkas", 100, 300),
)
PROFILE_ALIASES = {
    "perawat_terampil": "perawat",
    "perawat_ahli": "perawat",
    "bidan_terampil": "bidan",
    "bidan_ahli": "bidan",
}
TAMBAHAN_POOL: Pool = (
    (
        "Menjadi anggota tim penyusun standar pelayanan",
        "Jumlah rapat tim yang diikuti",
        "kali",
        4,
        8,
    ),
    (
        "Menjadi narasumber kegiatan sosialisasi",
        "Jumlah kegiatan sebagai narasumber",
        "kegiatan",
        2,
        6,
    ),
    (
        "Menjadi anggota tim pengelola laman perangkat daerah",
        "Jumlah konten yang diunggah",
        "konten",
        12,
        24,
    ),
    (
        "Menjadi panitia peringatan hari besar nasional",
        "Jumlah kegiatan yang dilaksanakan",
        "kegiatan",
        1,
        3,
    ),
)
# Second indicators: (aspek, text, target kind, low, high, unit or target text)
QUALITY_POOL: tuple[tuple[str, str, str, float, float, str], ...] = (
    ("kualitas", "Persentase hasil kerja yang diterima tanpa revisi", "angka", 90, 100, "persen"),
    ("kualitas", "Tingkat kepuasan penerima layanan", "rentang", 80, 90, "persen"),
    ("kualitas", "Skor kepuasan pengguna layanan", "rentang", 3.5, 4.0, "skor"),
    (
        "kualitas",
        "Kualitas hasil kerja",
        "kualitatif",
        0,
        0,
        "Hasil kerja diterima atasan tanpa revisi substansial",
    ),
    (
        "kualitas",
        "Kesesuaian dengan standar operasional prosedur",
        "kualitatif",
        0,
        0,
        "Seluruh tahapan dilaksanakan sesuai SOP",
    ),
    ("waktu", "Ketepatan waktu penyampaian laporan", "angka", 12, 12, "bulan"),
    ("waktu", "Rata-rata waktu penyelesaian layanan", "angka", 2, 5, "hari kerja"),
)
EXPECTATIONS: dict[str, tuple[str, ...]] = {
    "BO": (
        "Menanggapi keluhan pengguna layanan paling lambat satu hari kerja",
        "Ramah dan solutif dalam melayani masyarakat",
    ),
    "AK": (
        "Menyampaikan laporan tepat waktu dan dapat dipertanggungjawabkan",
        "Menggunakan barang milik daerah sesuai peruntukannya",
    ),
    "KO": (
        "Mengikuti pengembangan kompetensi minimal 20 jam pelajaran setahun",
        "Berbagi pengetahuan dengan rekan kerja",
    ),
    "HA": ("Menjaga suasana kerja yang kondusif di unit kerja",),
    "LO": ("Menjaga kerahasiaan data pribadi masyarakat dan data jabatan",),
    "AD": (
        "Cepat menyesuaikan diri dengan aplikasi dan proses kerja baru",
        "Mengusulkan minimal satu perbaikan proses kerja",
    ),
    "KL": ("Aktif berkoordinasi lintas seksi dan lintas sektor",),
}
VALUES = tuple(rules.BERAKHLAK)
DUKUNGAN_GENERAL = (
    "Anggaran kegiatan sesuai DPA tahun {y}",
    "Sarana komputer dan jaringan internet kantor",
    "Akses aplikasi SIMPEG dan Kinerja",
)
DUKUNGAN_PROFILE = {
    "kesehatan": (
        "Ketersediaan obat dan bahan medis habis pakai",
        "Aplikasi sistem informasi puskesmas",
    ),
    "guru": ("Aplikasi Dapodik dan Platform Merdeka Mengajar", "Sarana pembelajaran di kelas"),
}
SKEMA = (
    "Laporan bulanan capaian kinerja kepada atasan langsung",
    "Laporan triwulanan melalui aplikasi Kinerja",
    "Reviu berkala bersama pejabat penilai setiap triwulan",
)
KONSEKUENSI = (
    "Capaian kinerja menjadi dasar pemberian TPP sesuai Peraturan Bupati",
    "Predikat kinerja dipertimbangkan dalam pengembangan karier dan mutasi",
    "Capaian di bawah ekspektasi ditindaklanjuti dengan pembinaan oleh atasan langsung",
)
RETURN_NOTES = (
    "Target kuantitas belum realistis; sesuaikan dengan beban kerja seksi.",
    "Indikator kualitas belum terukur; tambahkan satuan atau rentang target.",
    "RHK belum selaras dengan RHK atasan yang diintervensi; perbaiki rumusannya.",
    "Lengkapi lampiran dukungan sumber daya dan skema pertanggungjawaban.",
)
HEALTH_PROFILES = frozenset(
    {
        "dokter",
        "dokter_gigi",
        "perawat_terampil",
        "perawat_ahli",
        "bidan_terampil",
        "bidan_ahli",
        "nutrisionis",
        "kesmas",
        "apoteker",
        "farmasi",
        "lab",
        "sanitarian",
        "struktural_kesehatan",
    }
)

# --- The plan -------------------------------------------------------------------------------


@dataclass(slots=True)
class YearPlan:
    year: int
    state: str  # "open" or "closed"; months follow the year


@dataclass(slots=True)
class PerjanjianPlan:
    idx: int
    opd: int
    year: int
    signed_on: dt.date


@dataclass(slots=True)
class SasaranPlan:
    idx: int
    perjanjian: int
    code: str
    text: str
    order: int


@dataclass(slots=True)
class IkuPlan:
    idx: int
    sasaran: int
    code: str
    indicator: str
    unit: str
    target: Decimal
    realisation: tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]
    order: int
    template: IkuTemplate


@dataclass(slots=True)
class SkpPlan:
    idx: int
    person: int
    position: int
    opd: int
    year: int
    start: dt.date
    end: dt.date
    form: str
    status: str
    penilai: int | None = None  # person idx
    penilai_position: int | None = None
    return_note: str = ""
    submitted_at: dt.datetime | None = None
    approved_at: dt.datetime | None = None
    version: int = 1
    rhk_count: int = 0


@dataclass(slots=True)
class RhkPlan:
    idx: int
    skp: int
    kind: str
    text: str
    perspektif: str
    parent: int | None
    iku: int | None
    intervention: str
    order: int


@dataclass(slots=True)
class IndicatorPlan:
    idx: int
    rhk: int
    skp: int
    aspek: str
    text: str
    target_kind: str
    target_min: Decimal | None
    target_max: Decimal | None
    target_text: str
    unit: str
    order: int
    monthly: bool  # has a monthly plan (kuantitas with a number, SKP approved)


@dataclass(slots=True)
class LampiranPlan:
    skp: int
    kind: str
    text: str
    order: int


@dataclass
class PlansPlan:
    year: int
    years: list[YearPlan] = field(default_factory=list)
    perjanjian: list[PerjanjianPlan] = field(default_factory=list)
    sasaran: list[SasaranPlan] = field(default_factory=list)
    iku: list[IkuPlan] = field(default_factory=list)
    skps: list[SkpPlan] = field(default_factory=list)
    rhk: list[RhkPlan] = field(default_factory=list)
    indicators: list[IndicatorPlan] = field(default_factory=list)
    lampiran: list[LampiranPlan] = field(default_factory=list)
    # skp idx -> {BerAKHLAK value: ekspektasi khusus pimpinan}; every SKP has the 7 values
    expectations: dict[int, dict[str, str]] = field(default_factory=dict)
    featured: dict[str, list[int]] = field(default_factory=dict)
    complete_opd: str = COMPLETE_OPD
    last_year_opds: tuple[str, ...] = LAST_YEAR_OPDS


def monthly_targets(skp: SkpPlan, indicator: IndicatorPlan) -> dict[int, Decimal]:
    """The indicator's monthly plan: its annual quantity spread over the SKP's months."""
    assert indicator.target_min is not None
    months = list(range(skp.start.month, skp.end.month + 1))
    return rules.spread_evenly(indicator.target_min, months)


def iter_monthly(plans: PlansPlan) -> Iterator[tuple[int, int, Decimal]]:
    """(indicator idx, month, target) for every monthly target, without holding them all."""
    skps = plans.skps
    for indicator in plans.indicators:
        if indicator.monthly:
            for month, target in monthly_targets(skps[indicator.skp], indicator).items():
                yield indicator.idx, month, target


# --- The rating line ------------------------------------------------------------------------


@dataclass
class Rating:
    """Who holds which definitive position and who rates whom on a date (the rule's answer)."""

    on: dt.date
    position: dict[int, int]  # person -> definitive position
    held: dict[int, Holding]  # person -> that definitive holding
    atasan: dict[int, Atasan | None]
    subs: dict[int, list[int]]  # rater -> people they rate, in plan order
    order: list[int]  # raters before the people they rate


def _dec(value: float) -> Decimal:
    return Decimal(str(value)).quantize(TWO)


class PlansPlanner:
    def __init__(self, demo: DemoPlan, seed: int) -> None:
        self.demo = demo
        self.today = demo.today
        self.year = demo.today.year
        self.rng = random.Random(seed * 7919 + 104729)
        self._r = self.rng.random  # the cheap draw; randint/choice/sample cost 5-10x more
        self.plans = PlansPlan(self.year)
        positions = demo.positions
        self.head_post = [
            p.supervisor is None or positions[p.supervisor].opd != p.opd for p in positions
        ]
        self.opd_code = [o.code for o in demo.opds]
        self.iku_by_opd: dict[tuple[int, int], list[IkuPlan]] = {}
        self.holdings_by_person: dict[int, list[Holding]] = {}
        self.holdings_by_position: dict[int, list[Holding]] = {}
        for a in demo.assignments:
            if demo.people[a.person].status in INACTIVE:
                continue
            holding = Holding(a.person, a.position, HoldingKind(a.kind), a.start, a.end)
            self.holdings_by_position.setdefault(a.position, []).append(holding)
            if a.kind == HoldingKind.DEFINITIF:
                self.holdings_by_person.setdefault(a.person, []).append(holding)
        self._chains: dict[int, list[int]] = {}
        self._pools: dict[int, Pool] = {}

    # --- years and goals ---------------------------------------------------------------------

    def build_years(self) -> None:
        self.plans.years = [YearPlan(self.year - 1, "closed"), YearPlan(self.year, "open")]

    def build_goals(self) -> None:
        for year in (self.year - 1, self.year):
            for opd in self.demo.opds:
                self._perjanjian(opd.idx, year)

    def _perjanjian(self, opd: int, year: int) -> None:
        plans, rng = self.plans, self.rng
        signed = dt.date(year, 1, rng.randint(20, 31))
        if year == self.year:
            signed = min(signed, self.today)
        pk = PerjanjianPlan(len(plans.perjanjian), opd, year, signed)
        plans.perjanjian.append(pk)
        templates = goals_for(self.opd_code[opd])
        count = rng.choice((2, 3)) if len(templates) > 2 else len(templates)
        chosen = sorted(rng.sample(range(len(templates)), count))
        ikus: list[IkuPlan] = []
        for order, t in enumerate(chosen, start=1):
            template = templates[t]
            sasaran = SasaranPlan(len(plans.sasaran), pk.idx, f"SS{order}", template.text, order)
            plans.sasaran.append(sasaran)
            n_iku = rng.choice((1, 2)) if len(template.iku) > 1 else 1
            for i_order, iku_t in enumerate(template.iku[:n_iku], start=1):
                target = iku_t.target - (iku_t.step if year < self.year else 0)
                iku = IkuPlan(
                    len(plans.iku),
                    sasaran.idx,
                    f"IKU{order}.{i_order}",
                    iku_t.indicator,
                    iku_t.unit,
                    _dec(target),
                    self._realisation(iku_t, target, year),
                    i_order,
                    iku_t,
                )
                plans.iku.append(iku)
                ikus.append(iku)
        self.iku_by_opd[(opd, year)] = ikus

    def _realisation(
        self, template: IkuTemplate, target: float, year: int
    ) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
        """Realisation of the quarters that have ended by `today`: a level near the target,
        or for a quantity the share of the year reached so far."""
        values: list[Decimal | None] = []
        for q in range(1, 5):
            quarter_end = dt.date(year, 3 * q, 31 if q in (1, 4) else 30)
            if quarter_end >= self.today:
                values.append(None)
                continue
            factor = self.rng.uniform(0.9, 1.06)
            if template.count:
                values.append(_dec(round(target * q / 4 * factor)))
            elif template.unit == "persen":
                values.append(_dec(min(100.0, target * factor)))
            else:
                values.append(_dec(target * factor))
        return values[0], values[1], values[2], values[3]

    # --- rating ------------------------------------------------------------------------------

    def _chain(self, position: int) -> list[int]:
        found = self._chains.get(position)
        if found is None:
            positions = self.demo.positions
            found = []
            sup = positions[position].supervisor
            while sup is not None:
                found.append(sup)
                sup = positions[sup].supervisor
            self._chains[position] = found
        return found

    def rating(self, on: dt.date, opds: set[int] | None = None) -> Rating:
        """The rule's answer on `on` for everyone with a definitive position (in `opds`)."""
        position: dict[int, int] = {}
        held_by: dict[int, Holding] = {}
        for person, holdings in self.holdings_by_person.items():
            if len(holdings) == 1:  # the usual case, without the rule's sorting
                held: Holding | None = holdings[0] if holdings[0].in_force(on) else None
            else:
                held = definitive_position_on(holdings, on)
            if held is not None and (
                opds is None or self.demo.positions[held.position_id].opd in opds
            ):
                position[person] = held.position_id
                held_by[person] = held
        atasan: dict[int, Atasan | None] = {}
        subs: dict[int, list[int]] = {}
        for person in sorted(position):
            found = resolve_atasan(
                person_id=person,
                supervisor_chain=self._chain(position[person]),
                holdings_by_position=self.holdings_by_position,
                on=on,
            )
            atasan[person] = found  # a rater outside the set has no SKP here: no link
            if found is not None and found.person_id in position:
                subs.setdefault(found.person_id, []).append(person)
        order: list[int] = []
        roots = [
            p for p in sorted(position) if atasan[p] is None or atasan[p].person_id not in position
        ]
        queue = list(roots)
        while queue:
            order.extend(queue)
            queue = [s for p in queue for s in subs.get(p, ())]
        return Rating(on, position, held_by, atasan, subs, order)

    # --- statuses ----------------------------------------------------------------------------

    def _statuses(self, r: Rating) -> dict[int, str | None]:
        """Workflow state of each person's SKP this year (None: no SKP yet), top-down, so an
        SKP is approved only when the one it hangs from is."""
        demo, rng = self.demo, self.rng
        forced: dict[int, str] = {}
        no_skp: set[int] = set()

        def force_line(person: int) -> None:
            found = r.atasan.get(person)
            while found is not None:
                forced.setdefault(found.person_id, APPROVED)
                found = r.atasan.get(found.person_id)

        for role, people in demo.featured.items():
            for person in people:
                if person in r.position:
                    forced[person] = SUBMITTED if role == "pegawai" else APPROVED
                    force_line(person)
        chosen = self._pick_without_skp(r)
        if chosen is not None:
            no_skp.add(chosen)
            force_line(chosen)
            self.plans.featured["pegawai_tanpa_skp"] = [chosen]
        status: dict[int, str | None] = {}
        complete = self._opd_idx(COMPLETE_OPD)
        for person in r.order:
            position = demo.positions[r.position[person]]
            found = r.atasan[person]
            head = self.head_post[position.idx]
            parent_ok = head or found is None or status.get(found.person_id) == APPROVED
            rater = bool(r.subs.get(person))
            roll = rng.random()
            if person in forced and parent_ok:
                st: str | None = forced[person]
            elif person in no_skp:
                st = None
            elif position.opd == complete:
                st = APPROVED
            elif not parent_ok:
                st = DRAFT if rater or roll < 0.6 else None
            elif head:
                st = APPROVED if roll < 0.95 else SUBMITTED
            elif rater:
                st = (
                    APPROVED
                    if roll < 0.94
                    else SUBMITTED
                    if roll < 0.97
                    else RETURNED
                    if roll < 0.99
                    else DRAFT
                )
            else:
                st = (
                    APPROVED
                    if roll < 0.78
                    else SUBMITTED
                    if roll < 0.87
                    else RETURNED
                    if roll < 0.92
                    else DRAFT
                    if roll < 0.97
                    else None
                )
            status[person] = st
        # Every state shows up at least once, on staff nobody hangs from.
        for wanted in (DRAFT, SUBMITTED, RETURNED):
            if wanted in status.values():
                continue
            for person in r.order:
                position = demo.positions[r.position[person]]
                if (
                    status[person] == APPROVED
                    and not r.subs.get(person)
                    and person not in forced
                    and position.opd != complete
                    and not self.head_post[position.idx]
                ):
                    status[person] = wanted
                    break
        return status

    def _opd_idx(self, code: str) -> int | None:
        return next((o.idx for o in self.demo.opds if o.code == code), None)

    def _pick_without_skp(self, r: Rating) -> int | None:
        """A staff member of a last-year OPD with last year's SKP and none this year."""
        demo = self.demo
        opds = {i for i in (self._opd_idx(c) for c in LAST_YEAR_OPDS) if i is not None}
        last = self.rating(dt.date(self.year - 1, 12, 31), opds)
        featured = {i for people in demo.featured.values() for i in people}
        for person in r.order:
            position = demo.positions[r.position[person]]
            if (
                position.opd in opds
                and position.jenis in LEAF_JENIS
                and not r.subs.get(person)
                and person in last.position
                and person not in featured
                and demo.people[person].status == "aktif"
                and r.atasan[person] is not None
            ):
                return person
        return None

    # --- SKPs --------------------------------------------------------------------------------

    def build_skps(self) -> None:
        current = self.rating(self.today)
        self._year_skps(current, self.year, self._statuses(current))
        opds = {i for i in (self._opd_idx(c) for c in LAST_YEAR_OPDS) if i is not None}
        last = self.rating(dt.date(self.year - 1, 12, 31), opds)
        self._year_skps(last, self.year - 1, {p: APPROVED for p in last.order})

    def _reaching(self, r: Rating, status: dict[int, str | None]) -> dict[int, bool]:
        """Whether someone's RHK can reach the RHK of pelaksana or fungsional staff below."""
        reach: dict[int, bool] = {}
        for person in reversed(r.order):
            jenis = self.demo.positions[r.position[person]].jenis
            reach[person] = status.get(person) is not None and (
                jenis in LEAF_JENIS or any(reach[s] for s in r.subs.get(person, ()))
            )
        return reach

    def _year_skps(self, r: Rating, year: int, status: dict[int, str | None]) -> None:
        demo = self.demo
        reach = self._reaching(r, status)
        # person -> parent RHK idx (or None) of each of their RHK utama, set by their rater
        slots: dict[int, list[int | None]] = {}
        skp_of: dict[int, SkpPlan] = {}
        for person in r.order:
            st = status.get(person)
            if st is None:
                continue
            position = demo.positions[r.position[person]]
            found = r.atasan[person]
            skp = self._skp(person, position, r.held[person], year, st, found)
            skp_of[person] = skp
            head = self.head_post[position.idx]
            own_rhk = self._rhk_utama(skp, position, head, slots.get(person))
            acting = self._acting_rhk(skp, r, person, own_rhk)
            if self._r() < 0.12:
                self._tambahan(skp)
            self._lampiran(skp, position)
            if st != DRAFT and self._r() < 0.4:
                first = self._int(0, len(VALUES) - 1)
                values = [VALUES[(first + i) % len(VALUES)] for i in range(self._int(1, 3))]
                self.plans.expectations[skp.idx] = {v: self._pick(EXPECTATIONS[v]) for v in values}
            # hand the rater's RHKs down to the people they rate
            groups: dict[int, list[int]] = {}
            for sub in r.subs.get(person, ()):
                via = r.atasan[sub]
                assert via is not None
                groups.setdefault(via.position_id, []).append(sub)
            for via_position, members in groups.items():
                parents = acting.get(via_position, own_rhk)
                self._allocate(members, parents if st == APPROVED else [], reach, slots)

    def _allocate(
        self,
        members: list[int],
        parents: Sequence[RhkPlan],
        reach: dict[int, bool],
        slots: dict[int, list[int | None]],
    ) -> None:
        """How many RHK utama each person writes and which of the rater's RHKs each serves:
        round robin over the rater's RHKs, starting with people whose line reaches pelaksana or
        fungsional staff, who write more RHKs when needed so every rater's RHK is served."""
        counts = {m: self._count() for m in members}
        reaching = [m for m in members if reach.get(m)]
        others = [m for m in members if not reach.get(m)]
        while parents and reaching and sum(counts[m] for m in reaching) < len(parents):
            growable = [m for m in reaching if counts[m] < 3]
            if not growable:
                break
            counts[min(growable, key=lambda m: counts[m])] += 1
        k = 0
        for m in reaching + others:
            linked: list[int | None] = []
            for _ in range(counts[m]):
                if parents:
                    linked.append(parents[k % len(parents)].idx)
                    k += 1
                else:
                    linked.append(None)
            slots[m] = linked

    def _int(self, low: int, high: int) -> int:
        return low + int(self._r() * (high - low + 1))

    def _pick(self, seq: Sequence[T]) -> T:
        return seq[int(self._r() * len(seq))]

    def _count(self) -> int:
        """How many RHK utama someone below the head writes: 1-3, most often 2."""
        r = self._r()
        return 1 if r < 0.2 else 2 if r < 0.7 else 3

    def _when(
        self,
        start: dt.date,
        days: tuple[int, int],
        hours: tuple[int, int],
        not_before: dt.datetime | None = None,
    ) -> dt.datetime:
        day = max(start, dt.date(start.year, 1, 2)) + dt.timedelta(days=self._int(*days))
        day = min(day, self.today)
        moment = dt.datetime(
            day.year, day.month, day.day, self._int(*hours), self._int(0, 59), tzinfo=TIME_ZONE
        )
        if not_before is not None and moment <= not_before:
            moment = not_before + dt.timedelta(hours=2)
        return moment

    def _skp(
        self,
        person: int,
        position: PositionPlan,
        held: Holding,
        year: int,
        st: str,
        found: Atasan | None,
    ) -> SkpPlan:
        start = max(dt.date(year, 1, 1), held.start)
        end = min(dt.date(year, 12, 31), held.end) if held.end else dt.date(year, 12, 31)
        skp = SkpPlan(
            len(self.plans.skps),
            person,
            position.idx,
            position.opd,
            year,
            start,
            end,
            rules.skp_form_for(position.jenis),
            st,
        )
        if st != DRAFT:
            skp.penilai = found.person_id if found else None
            skp.penilai_position = found.position_id if found else None
            skp.submitted_at = self._when(start, (3, 20), (8, 11))
            skp.version = 2
        if st == APPROVED:
            skp.approved_at = self._when(
                skp.submitted_at.date(),
                (1, 7),
                (13, 16),  # type: ignore[union-attr]
                not_before=skp.submitted_at,
            )
            skp.version = 3
        elif st == RETURNED:
            skp.return_note = self._pick(RETURN_NOTES)
            skp.version = 3
        self.plans.skps.append(skp)
        return skp

    def _pool(self, position: PositionPlan) -> Pool:
        found = self._pools.get(position.idx)
        if found is None:
            found = self._pools[position.idx] = self._make_pool(position)
        return found

    def _make_pool(self, position: PositionPlan) -> Pool:
        demo = self.demo
        unit = demo.units[position.unit].name
        opd = demo.opds[position.opd].name
        name = position.name
        if position.weight == 0:  # a head of a unit
            if position.profile == "guru":
                key = "kepala_sekolah"
            elif unit.startswith("UPT Puskesmas"):
                key = "puskesmas"
            elif position.jenis in rules.JPT_JENIS:
                key = "asisten"
            elif name.startswith("Sekretaris"):
                key = "sekretaris"
            elif name.startswith("Inspektur Pembantu"):
                key = "irban"
            elif position.jenis == "administrator":
                key = "administrator"
            else:
                key = "pengawas"
            topic = unit
            for prefix in ("Asisten ", "Bidang ", "Bagian ", "Seksi ", "Subbagian "):
                if topic.startswith(prefix):
                    topic = topic[len(prefix) :]
                    break
            if key == "irban":
                topic = topic.replace("Inspektur Pembantu ", "")
            # "Kurikulum dan Penilaian SD" -> "kurikulum dan penilaian SD"
            topic = " ".join(w if w.isupper() else w.lower() for w in topic.split())
            return tuple(
                (rhk.format(t=topic, o=opd, u=unit), iki.format(t=topic, o=opd, u=unit), u, lo, hi)
                for rhk, iki, u, lo, hi in STRUCTURAL_POOLS[key]
            )
        for prefix, pool in NAME_POOLS.items():
            if name.startswith(prefix):
                return pool
        profile = PROFILE_ALIASES.get(position.profile, position.profile)
        return PROFILE_POOLS.get(profile, GENERIC_POOL)

    def _rhk(
        self,
        skp: SkpPlan,
        kind: str,
        text: str,
        *,
        perspektif: str = "",
        parent: int | None = None,
        iku: int | None = None,
    ) -> RhkPlan:
        skp.rhk_count += 1
        intervention = ""
        if parent is not None:
            intervention = "langsung" if self._r() < 0.85 else "tidak_langsung"
        rhk = RhkPlan(
            len(self.plans.rhk),
            skp.idx,
            kind,
            text,
            perspektif if skp.form == "jpt" else "",
            parent,
            iku,
            intervention,
            skp.rhk_count,
        )
        self.plans.rhk.append(rhk)
        return rhk

    def _indicator(
        self,
        skp: SkpPlan,
        rhk: RhkPlan,
        aspek: str,
        text: str,
        kind: str,
        low: Decimal | None,
        high: Decimal | None,
        target_text: str,
        unit: str,
    ) -> None:
        indicators = self.plans.indicators
        order = indicators[-1].order + 1 if indicators and indicators[-1].rhk == rhk.idx else 1
        indicators.append(
            IndicatorPlan(
                len(indicators),
                rhk.idx,
                skp.idx,
                aspek,
                text,
                kind,
                low,
                high,
                target_text,
                unit,
                order,
                aspek == "kuantitas" and kind == "angka" and skp.status == APPROVED,
            )
        )

    def _quantity(self, skp: SkpPlan, rhk: RhkPlan, entry: tuple[str, str, str, int, int]) -> None:
        _text, iki, unit, low, high = entry
        target = self._int(low, high)
        if high >= 100 and low != high:
            target = max(low, round(target, -1))
        if skp.year < self.year and low != high:
            target = max(low, int(target * 0.9))
        self._indicator(skp, rhk, "kuantitas", iki, "angka", Decimal(target), None, "", unit)

    def _second(self, skp: SkpPlan, rhk: RhkPlan) -> None:
        if self._r() >= 0.4:
            return
        aspek, text, kind, low, high, extra = self._pick(QUALITY_POOL)
        if kind == "kualitatif":
            self._indicator(skp, rhk, aspek, text, kind, None, None, extra, "")
        elif kind == "rentang":
            self._indicator(skp, rhk, aspek, text, kind, _dec(low), _dec(high), "", extra)
        else:
            value = high if self._r() < 0.5 else low
            self._indicator(skp, rhk, aspek, text, kind, _dec(value), None, "", extra)

    def _rhk_utama(
        self, skp: SkpPlan, position: PositionPlan, head: bool, parents: list[int | None] | None
    ) -> list[RhkPlan]:
        made: list[RhkPlan] = []
        if head:
            for iku in self.iku_by_opd.get((position.opd, skp.year), ()):
                t = iku.template
                rhk = self._rhk(skp, "utama", t.rhk, perspektif=t.perspektif, iku=iku.idx)
                self._indicator(
                    skp,
                    rhk,
                    "kuantitas" if t.count else "kualitas",
                    iku.indicator,
                    "angka",
                    iku.target,
                    None,
                    "",
                    iku.unit,
                )
                self._second(skp, rhk)
                made.append(rhk)
            return made
        if parents is None:  # nobody handed RHKs down (the rater has no SKP this year)
            parents = [None] * self._count()
        pool = self._pool(position)
        first = self._int(0, len(pool) - 1)
        picks = [(first + i) % len(pool) for i in range(len(parents))]
        all_rhk = self.plans.rhk
        for parent, pick in zip(parents, picks, strict=True):
            text = pool[pick][0]
            perspektif = all_rhk[parent].perspektif if parent is not None else ""
            if skp.form == "jpt" and not perspektif:
                perspektif = PB
            if len(made) >= len(pool):  # more RHKs than the pool has: the same work, later
                text = f"{text} (tahap {len(made) // len(pool) + 1})"
            rhk = self._rhk(skp, "utama", text, perspektif=perspektif, parent=parent)
            self._quantity(skp, rhk, pool[pick])
            self._second(skp, rhk)
            made.append(rhk)
        return made

    def _acting_rhk(
        self, skp: SkpPlan, r: Rating, person: int, own: list[RhkPlan]
    ) -> dict[int, list[RhkPlan]]:
        """One RHK for each post the person acts in (Plt/Plh) and rates people through."""
        demo = self.demo
        acting: dict[int, list[RhkPlan]] = {}
        own_position = r.position[person]
        vias = {
            r.atasan[s].position_id  # type: ignore[union-attr]
            for s in r.subs.get(person, ())
        } - {own_position}
        for via in sorted(vias):
            post = demo.positions[via]
            kind = next(
                (
                    h.kind
                    for h in self.holdings_by_position.get(via, ())
                    if h.person_id == person
                    and h.kind != HoldingKind.DEFINITIF
                    and h.in_force(r.on)
                ),
                HoldingKind.PLT,
            )
            role = f"(selaku {kind.value.capitalize()} {post.name})"
            first = own[0] if own else None
            links = {
                "perspektif": first.perspektif if first else "",
                "parent": first.parent if first else None,
                "iku": first.iku if first else None,
            }
            ikus = self.iku_by_opd.get((post.opd, skp.year), [])
            if self.head_post[via] and ikus:  # acting for the head of an OPD: its first IKU
                iku = ikus[0]
                rhk = self._rhk(skp, "utama", f"{iku.template.rhk} {role}", **links)  # type: ignore[arg-type]
                self._indicator(
                    skp,
                    rhk,
                    "kuantitas" if iku.template.count else "kualitas",
                    iku.indicator,
                    "angka",
                    iku.target,
                    None,
                    "",
                    iku.unit,
                )
            else:
                entry = self._pool(post)[0]
                rhk = self._rhk(skp, "utama", f"{entry[0]} {role}", **links)  # type: ignore[arg-type]
                self._quantity(skp, rhk, entry)
            acting[via] = [rhk]
        return acting

    def _tambahan(self, skp: SkpPlan) -> None:
        entry = self._pick(TAMBAHAN_POOL)
        rhk = self._rhk(skp, "tambahan", entry[0], perspektif=PI)
        self._quantity(skp, rhk, entry)

    def _lampiran(self, skp: SkpPlan, position: PositionPlan) -> None:
        pick = self._pick
        if skp.status == DRAFT and self._r() < 0.5:
            return
        profile = (
            "kesehatan"
            if position.profile in HEALTH_PROFILES
            else "guru"
            if position.profile == "guru"
            else ""
        )
        dukungan = [pick(DUKUNGAN_GENERAL).format(y=skp.year)]
        if profile:
            dukungan.append(pick(DUKUNGAN_PROFILE[profile]))
        items = [("dukungan_sumber_daya", t) for t in dukungan]
        items.append(("skema_pertanggungjawaban", pick(SKEMA)))
        items.append(("konsekuensi", pick(KONSEKUENSI)))
        orders: dict[str, int] = {}
        for kind, text in items:
            orders[kind] = orders.get(kind, 0) + 1
            self.plans.lampiran.append(LampiranPlan(skp.idx, kind, text, orders[kind]))


def build_plans(demo: DemoPlan, *, seed: int) -> PlansPlan:
    """The planning data of `demo`. The cyclic garbage collector is paused meanwhile: the
    millions of small objects made here hold no cycles, and its passes over them took a third
    of the time at 100k employees."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        planner = PlansPlanner(demo, seed)
        planner.build_years()
        planner.build_goals()
        planner.build_skps()
        return planner.plans
    finally:
        if enabled:
            gc.enable()
