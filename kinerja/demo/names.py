"""Name material for the demo Pemda: Indonesian given names and family names from several regions
(Bugis-Makassar, Toraja, Mandar, Java, Sunda, Batak, Minahasa, Bali, Flores), place names for
kecamatan, puskesmas and schools, and the academic titles that go with each kind of job.

All fictional: the combinations are drawn at random and belong to no real person."""

from __future__ import annotations

MALE_GIVEN = (
    "Ahmad", "Muhammad", "Andi", "Budi", "Agus", "Rahmat", "Syamsul", "Hasanuddin", "Arif",
    "Irwan", "Yusuf", "Fajar", "Rizky", "Hendra", "Dedi", "Eko", "Bambang", "Joko", "Slamet",
    "Wahyu", "Hamzah", "Ilham", "Akbar", "Firman", "Taufik", "Nurdin", "Zainal", "Baharuddin",
    "Muhlis", "Sudirman", "Darmawan", "Adi", "Putu", "Made", "Yohanis", "Daniel", "Markus",
    "Samuel", "Ridwan", "Anwar", "Haris", "Asri", "Syahrir", "Jufri", "Kamaruddin", "Rusdi",
    "Mustafa", "Abdul", "Herman", "Yunus", "Aswar", "Amiruddin", "Gunawan", "Heru", "Teguh",
    "Yosef", "Frans", "Petrus", "Wayan", "Ketut", "Arman", "Risal", "Nasrullah", "Safaruddin",
)
FEMALE_GIVEN = (
    "Siti", "Nur", "Sri", "Dewi", "Rina", "Hasnah", "Nurhayati", "Rahmawati", "Fitri",
    "Wahyuni", "Kartini", "Suryani", "Hasmawati", "Megawati", "Indah", "Ayu", "Ratna", "Yuliana",
    "Maria", "Yohana", "Fransiska", "Ni Luh", "Kadek", "Sitti", "Hajrah", "Asmawati", "Nurul",
    "Sartika", "Lestari", "Puspita", "Andi", "Fatimah", "Rosdiana", "Irmawati", "Herlina",
    "Selvi", "Novita", "Marlina", "Hardianti", "Musdalifah", "Nurjannah", "Aisyah", "Risma",
    "Sulastri", "Endang", "Yanti", "Elisabeth", "Magdalena", "Anita", "Reski", "Dian",
)
MALE_MIDDLE = (
    "Nur", "Akbar", "Rahman", "Syah", "Eka", "Dwi", "Adi", "Budi", "Arya", "Putra", "Ali",
)
FEMALE_MIDDLE = (
    "Nur", "Dwi", "Eka", "Tri", "Ayu", "Kurnia", "Indah", "Sari", "Putri", "Wulan",
)
FAMILY = (
    "Pratama", "Saputra", "Wijaya", "Hidayat", "Santoso", "Nugroho", "Setiawan", "Rahman",
    "Hamid", "Syam", "Arifin", "Basri", "Saleh", "Latif", "Mappa", "Tandi", "Pasolang", "Rante",
    "Sitorus", "Simanjuntak", "Nainggolan", "Manurung", "Lubis", "Harahap", "Siregar",
    "Tampubolon", "Lasut", "Wowor", "Kalalo", "Pakaya", "Mappiasse", "Tahir", "Amir", "Hasan",
    "Palallo", "Sampe", "Rombe", "Lolo", "Pattiasina", "Suryadi", "Kusuma", "Hartono",
    "Permana", "Gunadi", "Wirawan", "Sanjaya", "Halim", "Baso", "Lamba", "Malik", "Yamin",
    "Sukardi", "Mansyur", "Idris", "Ramli", "Bakri", "Mattalitti", "Paembonan", "Sambira",
    "Ndruru", "Da Costa", "Kewa", "Laoli", "Marasabessy", "Tuasikal", "Mokodompit", "Gobel",
)

PLACES = (
    "Tanjung", "Bontosari", "Lembang", "Sungai Tiga", "Batu Putih", "Pallangga", "Marioriwawo",
    "Sidenreng", "Tellu Siattinge", "Bungoro", "Panca Rijang", "Ujung Lamuru", "Lamasi",
    "Sabbang", "Malangke", "Wotu", "Mangkutana", "Tomoni", "Sukamaju", "Baebunta", "Rampi",
    "Masamba", "Bone Bone", "Kalaena", "Angkona", "Towuti", "Nuha", "Wasuponda", "Burau",
    "Limbong", "Seko", "Rongkong", "Salu Baru", "Padang Sappa", "Mappedeceng", "Ponrang",
    "Bajo", "Bua", "Larompong", "Suli", "Belopa", "Kamanre", "Bassesang", "Latimojong",
    "Bupon", "Walenrang", "Lamasi Timur", "Bastem", "Tombolo", "Bantaeng", "Sinoa",
)

# Academic titles (gelar) by the kind of job. Front titles (dr., drg., Ir., Drs.) in FRONT.
TITLES: dict[str, tuple[str, ...]] = {
    "struktural": ("S.E., M.Si.", "S.Sos., M.AP", "S.H., M.H.", "S.STP, M.Si.", "S.T., M.T.",
                   "S.IP., M.Si.", "S.E., M.M.", "S.Kom., M.T.", "S.Pd., M.Pd.", "S.Sos.",
                   "S.E.", "S.H.", "S.AP", "M.Si."),
    "struktural_kesehatan": ("S.KM., M.Kes.", "S.Kep., Ns., M.Kes.", "S.Farm., Apt.",
                             "M.Kes.", "S.KM."),
    "pelaksana_sma": ("",),
    "pelaksana_d3": ("A.Md.", "A.Md.Kom.", "A.Md.Ak."),
    "pelaksana_s1": ("S.E.", "S.Kom.", "S.Sos.", "S.H.", "S.AP", "S.IP.", "S.Ak."),
    "dokter": ("", "", "M.Kes."),
    "dokter_gigi": ("",),
    "perawat_terampil": ("A.Md.Kep.",),
    "perawat_ahli": ("S.Kep., Ns.",),
    "bidan_terampil": ("A.Md.Keb.",),
    "bidan_ahli": ("S.Tr.Keb.", "S.Keb., Bd."),
    "nutrisionis": ("A.Md.Gz.",),
    "lab": ("A.Md.AK.",),
    "farmasi": ("A.Md.Farm.",),
    "apoteker": ("S.Farm., Apt.",),
    "sanitarian": ("A.Md.KL.",),
    "kesmas": ("S.KM.", "S.KM., M.Kes."),
    "guru": ("S.Pd.", "S.Pd.", "S.Pd., M.Pd.", "S.Pd.I.", "S.Si."),
    "sdm": ("S.Psi.", "S.E.", "S.Sos.", "S.AP"),
    "auditor": ("S.E., Ak.", "S.Ak.", "S.E."),
    "perencana": ("S.T.", "S.E., M.Si.", "S.Si."),
    "teknik": ("S.T.", "S.T., M.T."),
    "teknik_terampil": ("A.Md.T.",),
    "lingkungan": ("S.Si.", "S.T.", "S.Hut."),
    "kependudukan": ("S.Kom.", "S.Sos."),
}
FRONT_TITLES: dict[str, tuple[str, ...]] = {
    "dokter": ("dr.",),
    "dokter_gigi": ("drg.",),
}
# Older structural officials sometimes carry the pre-1993 front titles instead.
OLD_FRONT = ("Drs.", "Ir.")
