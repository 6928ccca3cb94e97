"""The shape of the demo Pemda: OPD templates as trees of units, each unit with one head position
(structural, or kepala sekolah) and formasi positions (pelaksana, fungsional) with several holders.

Names follow the organisation of a kabupaten after the 2019-2022 simplification of the
bureaucracy (PermenPANRB 25/2021; pelaksana names after PermenPANRB 45/2022): Kepala Dinas (JPT
pratama), Sekretaris and Kepala Bidang (administrator), Kepala Subbagian and Kepala Seksi
(pengawas), and much of the remaining work done by jabatan fungsional.

Kelas jabatan (1-17) are typical of Perbup TPP tables; they are demo values, not a regulation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Kelas by jenjang of a jabatan fungsional (demo values, consistent with the structural ladder:
# Ahli Muda sits at the level of a pengawas, Ahli Madya at that of an administrator).
KELAS_JF = {
    "pemula": 5,
    "terampil": 6,
    "mahir": 7,
    "penyelia": 8,
    "ahli_pertama": 8,
    "ahli_muda": 9,
    "ahli_madya": 11,
    "ahli_utama": 13,
}
JENJANG_LABEL = {
    "pemula": "Pemula",
    "terampil": "Terampil",
    "mahir": "Mahir",
    "penyelia": "Penyelia",
    "ahli_pertama": "Ahli Pertama",
    "ahli_muda": "Ahli Muda",
    "ahli_madya": "Ahli Madya",
    "ahli_utama": "Ahli Utama",
}
# Kelas ranges a jenis may take in the demo (used by the tests to check consistency).
KELAS_RANGE = {
    "jpt_madya": (15, 16),
    "jpt_pratama": (13, 15),
    "administrator": (10, 12),
    "pengawas": (8, 9),
    "pelaksana": (3, 7),
    "fungsional": (5, 13),
}


@dataclass(frozen=True)
class Formasi:
    """A position several people may hold (pelaksana or fungsional); weight sets its share."""

    name: str
    jenis: str
    kelas: int
    profile: str
    weight: int = 2
    jenjang: str = ""


@dataclass(frozen=True)
class Node:
    """A unit with its head position, its formasi positions and its sub-units."""

    key: str
    unit: str
    head: str
    jenis: str
    kelas: int
    profile: str = "struktural"
    jenjang: str = ""
    children: tuple[Node, ...] = ()
    staff: tuple[Formasi, ...] = ()


@dataclass(frozen=True)
class OpdTemplate:
    code: str
    name: str
    short: str
    root: Node
    # Where the scalable units go: "puskesmas", "sekolah" or "" (none).
    grows: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def pel(name: str, kelas: int, profile: str, weight: int = 2) -> Formasi:
    return Formasi(name, "pelaksana", kelas, profile, weight)


def jf(base: str, jenjang: str, profile: str, weight: int = 2) -> Formasi:
    return Formasi(
        f"{base} {JENJANG_LABEL[jenjang]}",
        "fungsional",
        KELAS_JF[jenjang],
        profile,
        weight,
        jenjang,
    )


PENGADMINISTRASI = pel("Pengadministrasi Perkantoran", 5, "pelaksana_sma")
OPERATOR = pel("Operator Layanan Operasional", 5, "pelaksana_sma")
PENGOLAH_DATA = pel("Pengolah Data dan Informasi", 6, "pelaksana_d3")
PENATA_LAYANAN = pel("Penata Layanan Operasional", 7, "pelaksana_s1")
PENELAAH = pel("Penelaah Teknis Kebijakan", 7, "pelaksana_s1")
PENGELOLA_KEUANGAN = pel("Pengelola Layanan Keuangan", 6, "pelaksana_d3")
PENATA_KEUANGAN = pel("Penata Laporan Keuangan", 7, "pelaksana_s1")
STAFF_CYCLE = (PENATA_LAYANAN, PENGOLAH_DATA, OPERATOR, PENELAAH)


def subbag(key: str, name: str, staff: tuple[Formasi, ...] = (), *, of: str = "") -> Node:
    head = f"Kepala Subbagian {name}" + (f" {of}" if of else "")
    return Node(key, f"Subbagian {name}", head, "pengawas", 9, staff=staff or (PENGADMINISTRASI,))


def sekretariat(opd_kind: str = "Dinas", umum_staff: tuple[Formasi, ...] = ()) -> Node:
    return Node(
        "SEK",
        "Sekretariat",
        f"Sekretaris {opd_kind}",
        "administrator",
        11,
        children=(
            subbag("SB1", "Umum dan Kepegawaian", umum_staff or (PENGADMINISTRASI, PENGOLAH_DATA)),
            subbag("SB2", "Perencanaan dan Keuangan", (PENGELOLA_KEUANGAN, PENATA_KEUANGAN)),
        ),
    )


def seksi(key: str, name: str, i: int, staff: tuple[Formasi, ...] = ()) -> Node:
    staff = staff or (STAFF_CYCLE[i % 4], STAFF_CYCLE[(i + 1) % 4])
    return Node(key, f"Seksi {name}", f"Kepala Seksi {name}", "pengawas", 9, staff=staff)


def bidang(
    key: str,
    name: str,
    seksi_names: tuple[str, ...],
    jfs: tuple[Formasi, ...] = (),
    *,
    profile: str = "struktural",
) -> Node:
    children = tuple(seksi(f"S{i + 1}", s, i) for i, s in enumerate(seksi_names))
    return Node(
        key,
        f"Bidang {name}",
        f"Kepala Bidang {name}",
        "administrator",
        11,
        profile=profile,
        children=children,
        staff=jfs,
    )


def dinas(
    code: str,
    name: str,
    short: str,
    head: str,
    bidangs: tuple[Node, ...],
    *,
    kind: str = "Dinas",
    profile: str = "struktural",
    grows: str = "",
    head_staff: tuple[Formasi, ...] = (),
    umum_staff: tuple[Formasi, ...] = (),
) -> OpdTemplate:
    root = Node(
        code,
        name,
        head,
        "jpt_pratama",
        14,
        profile=profile,
        children=(sekretariat(kind, umum_staff), *bidangs),
        staff=head_staff,
    )
    return OpdTemplate(code, name, short, root, grows)


def setda(sekda_jenis: str) -> OpdTemplate:
    def bagian(key: str, name: str, subs: tuple[str, ...]) -> Node:
        children = tuple(
            subbag(f"SB{i + 1}", s, (STAFF_CYCLE[i % 4], PENGADMINISTRASI))
            for i, s in enumerate(subs)
        )
        return Node(
            key,
            f"Bagian {name}",
            f"Kepala Bagian {name}",
            "administrator",
            11,
            children=children,
            staff=(PENELAAH,),
        )

    def asisten(key: str, name: str, bagians: tuple[Node, ...]) -> Node:
        return Node(key, f"Asisten {name}", f"Asisten {name}", "jpt_pratama", 14, children=bagians)

    root = Node(
        "SETDA",
        "Sekretariat Daerah",
        "Sekretaris Daerah",
        sekda_jenis,
        16 if sekda_jenis == "jpt_madya" else 15,
        children=(
            asisten(
                "AS1",
                "Pemerintahan dan Kesejahteraan Rakyat",
                (
                    bagian("BAG1", "Pemerintahan", ("Administrasi Pemerintahan", "Otonomi Daerah")),
                    bagian(
                        "BAG2",
                        "Kesejahteraan Rakyat",
                        ("Bina Mental Spiritual", "Kesejahteraan Sosial"),
                    ),
                    bagian("BAG3", "Hukum", ("Perundang-undangan", "Bantuan Hukum")),
                ),
            ),
            asisten(
                "AS2",
                "Perekonomian dan Pembangunan",
                (
                    bagian(
                        "BAG1",
                        "Perekonomian dan Sumber Daya Alam",
                        ("Perekonomian", "Sumber Daya Alam"),
                    ),
                    bagian(
                        "BAG2",
                        "Pengadaan Barang dan Jasa",
                        ("Pengelolaan Pengadaan", "Pembinaan dan Advokasi"),
                    ),
                ),
            ),
            asisten(
                "AS3",
                "Administrasi Umum",
                (
                    bagian("BAG1", "Umum", ("Tata Usaha Pimpinan", "Rumah Tangga")),
                    bagian(
                        "BAG2",
                        "Organisasi",
                        ("Kelembagaan dan Analisis Jabatan", "Reformasi Birokrasi"),
                    ),
                    bagian(
                        "BAG3",
                        "Protokol dan Komunikasi Pimpinan",
                        ("Protokol", "Dokumentasi Pimpinan"),
                    ),
                ),
            ),
        ),
    )
    return OpdTemplate("SETDA", "Sekretariat Daerah", "Setda", root)


def core_templates(sekda_jenis: str) -> list[OpdTemplate]:
    """The fixed OPDs of the demo Pemda, Setda first (every Kepala OPD reports to the Sekda)."""
    analis = jf("Analis SDM Aparatur", "ahli_pertama", "sdm", 3)
    return [
        setda(sekda_jenis),
        dinas(
            "BKPSDM",
            "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
            "BKPSDM",
            "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
            (
                bidang(
                    "B1",
                    "Mutasi dan Promosi",
                    ("Mutasi", "Promosi dan Kepangkatan"),
                    (analis, jf("Analis SDM Aparatur", "ahli_muda", "sdm")),
                ),
                bidang(
                    "B2",
                    "Penilaian Kinerja Aparatur dan Penghargaan",
                    ("Penilaian Kinerja", "Penghargaan dan Disiplin"),
                    (
                        jf("Analis SDM Aparatur", "ahli_pertama", "sdm"),
                        jf("Asesor SDM Aparatur", "ahli_muda", "sdm", 1),
                    ),
                ),
                bidang(
                    "B3",
                    "Pengadaan, Pemberhentian dan Informasi",
                    ("Pengadaan dan Pemberhentian", "Data dan Sistem Informasi"),
                    (jf("Pranata Komputer", "terampil", "pelaksana_d3"),),
                ),
                bidang(
                    "B4", "Pengembangan Kompetensi Aparatur", ("Diklat Struktural", "Diklat Teknis")
                ),
            ),
            kind="Badan",
        ),
        OpdTemplate(
            "INSPEKTORAT",
            "Inspektorat Daerah",
            "Inspektorat",
            Node(
                "INSPEKTORAT",
                "Inspektorat Daerah",
                "Inspektur Daerah",
                "jpt_pratama",
                14,
                children=(
                    sekretariat("Inspektorat"),
                    *(
                        Node(
                            f"IRBAN{i}",
                            f"Inspektur Pembantu Wilayah {roman}",
                            f"Inspektur Pembantu Wilayah {roman}",
                            "administrator",
                            11,
                            staff=(
                                jf("Auditor", "ahli_pertama", "auditor"),
                                jf("Auditor", "ahli_muda", "auditor"),
                                jf(
                                    "Pengawas Penyelenggaraan Urusan Pemerintahan Daerah",
                                    "ahli_pertama",
                                    "auditor",
                                    1,
                                ),
                            ),
                        )
                        for i, roman in enumerate(("I", "II", "III", "IV"), start=1)
                    ),
                ),
            ),
        ),
        dinas(
            "DINKES",
            "Dinas Kesehatan",
            "Dinkes",
            "Kepala Dinas Kesehatan",
            (
                bidang(
                    "B1",
                    "Kesehatan Masyarakat",
                    ("Kesehatan Keluarga dan Gizi", "Promosi Kesehatan"),
                    (
                        jf("Nutrisionis", "terampil", "nutrisionis", 1),
                        jf("Penyuluh Kesehatan Masyarakat", "ahli_pertama", "kesmas", 1),
                    ),
                    profile="struktural_kesehatan",
                ),
                bidang(
                    "B2",
                    "Pelayanan Kesehatan",
                    ("Pelayanan Kesehatan Primer", "Pelayanan Kesehatan Rujukan"),
                    (jf("Administrator Kesehatan", "ahli_muda", "kesmas", 1),),
                    profile="struktural_kesehatan",
                ),
                bidang(
                    "B3",
                    "Pencegahan dan Pengendalian Penyakit",
                    ("Surveilans dan Imunisasi", "Pengendalian Penyakit"),
                    (jf("Epidemiolog Kesehatan", "ahli_pertama", "kesmas", 1),),
                    profile="struktural_kesehatan",
                ),
                bidang(
                    "B4",
                    "Sumber Daya Kesehatan",
                    ("Kefarmasian dan Alat Kesehatan",),
                    (jf("Apoteker", "ahli_pertama", "apoteker", 1),),
                    profile="struktural_kesehatan",
                ),
            ),
            profile="struktural_kesehatan",
            grows="puskesmas",
        ),
        dinas(
            "DISDIK",
            "Dinas Pendidikan",
            "Disdik",
            "Kepala Dinas Pendidikan",
            (
                bidang(
                    "B1",
                    "Pembinaan Sekolah Dasar",
                    ("Kurikulum dan Penilaian SD", "Sarana Prasarana SD"),
                ),
                bidang(
                    "B2",
                    "Pembinaan Sekolah Menengah Pertama",
                    ("Kurikulum dan Penilaian SMP", "Sarana Prasarana SMP"),
                ),
                bidang("B3", "Guru dan Tenaga Kependidikan", ("Pendidik", "Tenaga Kependidikan")),
                bidang("B4", "Pendidikan Anak Usia Dini dan Nonformal", ("Kelembagaan PAUD",)),
            ),
            grows="sekolah",
        ),
        dinas(
            "DUKCAPIL",
            "Dinas Kependudukan dan Pencatatan Sipil",
            "Disdukcapil",
            "Kepala Dinas Kependudukan dan Pencatatan Sipil",
            (
                bidang(
                    "B1",
                    "Pelayanan Pendaftaran Penduduk",
                    ("Identitas Penduduk", "Pindah Datang Penduduk"),
                ),
                bidang(
                    "B2",
                    "Pelayanan Pencatatan Sipil",
                    ("Kelahiran dan Kematian", "Perkawinan dan Perceraian"),
                ),
                bidang(
                    "B3",
                    "Pengelolaan Informasi Administrasi Kependudukan",
                    ("Sistem Informasi", "Pengolahan dan Penyajian Data"),
                    (jf("Administrator Database Kependudukan", "ahli_pertama", "kependudukan"),),
                ),
            ),
        ),
        dinas(
            "DISHUB",
            "Dinas Perhubungan",
            "Dishub",
            "Kepala Dinas Perhubungan",
            (
                bidang(
                    "B1",
                    "Lalu Lintas dan Angkutan",
                    ("Manajemen Rekayasa Lalu Lintas", "Angkutan"),
                    (jf("Penguji Kendaraan Bermotor", "terampil", "teknik_terampil"),),
                ),
                bidang("B2", "Prasarana dan Keselamatan", ("Prasarana", "Keselamatan")),
            ),
        ),
        dinas(
            "DLH",
            "Dinas Lingkungan Hidup",
            "DLH",
            "Kepala Dinas Lingkungan Hidup",
            (
                bidang(
                    "B1",
                    "Tata Lingkungan",
                    ("Kajian Dampak Lingkungan", "Pemeliharaan Lingkungan"),
                    (jf("Pengendali Dampak Lingkungan", "ahli_pertama", "lingkungan"),),
                ),
                bidang(
                    "B2",
                    "Pengelolaan Sampah dan Limbah B3",
                    ("Pengurangan Sampah", "Penanganan Sampah"),
                    (pel("Petugas Kebersihan", 3, "pelaksana_sma", 4),),
                ),
                bidang(
                    "B3",
                    "Pengendalian Pencemaran dan Kerusakan Lingkungan",
                    ("Pemantauan Lingkungan",),
                    (jf("Pengendali Dampak Lingkungan", "ahli_muda", "lingkungan"),),
                ),
            ),
        ),
        dinas(
            "BAPPERIDA",
            "Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah",
            "Bapperida",
            "Kepala Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah",
            (
                bidang(
                    "B1",
                    "Perencanaan Pemerintahan dan Pembangunan Manusia",
                    (),
                    (
                        jf("Perencana", "ahli_pertama", "perencana"),
                        jf("Perencana", "ahli_muda", "perencana"),
                    ),
                ),
                bidang(
                    "B2",
                    "Perekonomian, Infrastruktur dan Kewilayahan",
                    (),
                    (
                        jf("Perencana", "ahli_pertama", "perencana"),
                        jf("Perencana", "ahli_madya", "perencana", 1),
                    ),
                ),
                bidang("B3", "Riset dan Inovasi Daerah", ("Riset", "Inovasi")),
            ),
            kind="Badan",
        ),
        dinas(
            "BPKAD",
            "Badan Pengelolaan Keuangan dan Aset Daerah",
            "BPKAD",
            "Kepala Badan Pengelolaan Keuangan dan Aset Daerah",
            (
                bidang(
                    "B1",
                    "Anggaran",
                    ("Anggaran Belanja",),
                    (jf("Analis Keuangan Pusat dan Daerah", "ahli_pertama", "auditor"),),
                ),
                bidang(
                    "B2",
                    "Perbendaharaan",
                    ("Belanja Langsung", "Belanja Tidak Langsung"),
                    (PENATA_KEUANGAN, PENGELOLA_KEUANGAN),
                ),
                bidang("B3", "Akuntansi dan Pelaporan", ("Akuntansi",), (PENATA_KEUANGAN,)),
                bidang("B4", "Aset", ("Penatausahaan Aset", "Pemanfaatan Aset")),
            ),
            kind="Badan",
        ),
        dinas(
            "PUPR",
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            "Dinas PUPR",
            "Kepala Dinas Pekerjaan Umum dan Penataan Ruang",
            (
                bidang(
                    "B1",
                    "Bina Marga",
                    ("Pembangunan Jalan", "Preservasi Jalan"),
                    (jf("Teknik Jalan dan Jembatan", "ahli_pertama", "teknik"),),
                ),
                bidang(
                    "B2",
                    "Sumber Daya Air",
                    ("Irigasi", "Air Baku"),
                    (jf("Teknik Pengairan", "ahli_pertama", "teknik"),),
                ),
                bidang(
                    "B3",
                    "Penataan Ruang",
                    ("Perencanaan Tata Ruang",),
                    (jf("Penata Ruang", "ahli_pertama", "teknik"),),
                ),
            ),
        ),
    ]


def puskesmas(i: int, place: str, full: bool) -> Node:
    name = f"UPT Puskesmas {place}"
    children = ()
    if full:
        children = (
            Node(
                "TU",
                "Subbagian Tata Usaha",
                f"Kepala Subbagian Tata Usaha {name}",
                "pengawas",
                8,
                staff=(PENGADMINISTRASI, PENGELOLA_KEUANGAN),
            ),
        )
    return Node(
        f"PKM{i:03d}",
        name,
        f"Kepala {name}",
        "pengawas",
        9,
        profile="struktural_kesehatan",
        children=children,
        staff=(
            jf("Dokter", "ahli_pertama", "dokter", 2),
            jf("Dokter Gigi", "ahli_pertama", "dokter_gigi", 1),
            jf("Perawat", "terampil", "perawat_terampil", 5),
            jf("Perawat", "ahli_pertama", "perawat_ahli", 2),
            jf("Bidan", "terampil", "bidan_terampil", 5),
            jf("Bidan", "ahli_pertama", "bidan_ahli", 1),
            jf("Nutrisionis", "terampil", "nutrisionis", 1),
            jf("Pranata Laboratorium Kesehatan", "terampil", "lab", 1),
            jf("Asisten Apoteker", "terampil", "farmasi", 1),
            jf("Sanitarian", "terampil", "sanitarian", 1),
            *(() if full else (PENGADMINISTRASI,)),
        ),
    )


def sekolah(i: int, level: str, number: int, place: str) -> Node:
    """A school: the kepala sekolah is a guru with an additional duty (fungsional), and rates the
    teachers of the school (RULES.md 1.2 names guru as the known edge case)."""
    name = f"{level} Negeri {number} {place}"
    return Node(
        f"SEK{i:04d}",
        name,
        f"Kepala {name}",
        "fungsional",
        10,
        profile="guru",
        jenjang="ahli_madya",
        staff=(
            jf("Guru", "ahli_pertama", "guru", 4),
            jf("Guru", "ahli_muda", "guru", 4),
            jf("Guru", "ahli_madya", "guru", 2),
            pel("Pengadministrasi Perkantoran", 5, "pelaksana_sma", 1),
        ),
    )


def kecamatan(i: int, place: str) -> OpdTemplate:
    code = f"KEC{i:03d}"
    root = Node(
        code,
        f"Kecamatan {place}",
        f"Camat {place}",
        "administrator",
        12,
        children=(
            Node(
                "SEK",
                "Sekretariat Kecamatan",
                f"Sekretaris Kecamatan {place}",
                "administrator",
                10,
                children=(
                    subbag(
                        "SB1",
                        "Umum dan Kepegawaian",
                        (PENGADMINISTRASI, OPERATOR),
                        of=f"Kecamatan {place}",
                    ),
                    subbag(
                        "SB2",
                        "Perencanaan dan Keuangan",
                        (PENGELOLA_KEUANGAN,),
                        of=f"Kecamatan {place}",
                    ),
                ),
            ),
            seksi("S1", "Pemerintahan", 0),
            seksi("S2", "Ketenteraman dan Ketertiban Umum", 1),
            seksi("S3", "Pemberdayaan Masyarakat Desa", 2),
            seksi("S4", "Kesejahteraan Sosial", 3),
        ),
    )
    return OpdTemplate(code, f"Kecamatan {place}", f"Kec. {place}", root)
