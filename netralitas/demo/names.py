"""Name parts for the fictional demo city (common Indonesian given names and family names)."""

MALE_NAMES = (
    "Agus", "Ahmad", "Andi", "Arif", "Bambang", "Budi", "Dedi", "Dimas", "Eko", "Fajar", "Hadi", "Hendra",
    "Imam", "Joko", "Kurniawan", "Made", "Muhammad", "Nyoman", "Putu", "Rahmat", "Rizky", "Slamet",
    "Sugeng", "Teguh", "Wahyu", "Yusuf", "Bayu", "Gilang", "Ilham", "Rudi", "Taufik", "Yoga", "Ketut",
    "Fransiskus", "Yohanes", "Stefanus", "Ridwan", "Asep", "Ujang", "Ucok", "Zulkifli", "Hasan",
)
FEMALE_NAMES = (
    "Ani", "Ayu", "Dewi", "Dian", "Endang", "Fitri", "Indah", "Kartika", "Lestari", "Maria", "Nur",
    "Putri", "Ratna", "Rina", "Siti", "Sri", "Tri", "Wulan", "Yuni", "Nining", "Anisa", "Intan",
    "Mega", "Novi", "Rahayu", "Sekar", "Theresia", "Wayan", "Yohana", "Agustina", "Cut", "Nyimas",
)
FAMILY_NAMES = (
    "Saputra", "Wijaya", "Santoso", "Pratama", "Hidayat", "Nugroho", "Siregar", "Nasution", "Simanjuntak",
    "Lubis", "Harahap", "Setiawan", "Kusuma", "Purnomo", "Gunawan", "Susanto", "Hakim", "Rahman",
    "Sembiring", "Tarigan", "Pangaribuan", "Manurung", "Sitompul", "Wibowo", "Suryadi", "Permana",
    "Firmansyah", "Hermawan", "Kurnia", "Syahputra", "Daulay", "Ginting", "Halim", "Lase", "Mahendra",
)
POSITIONS = (
    "Analis Kebijakan", "Pengelola Keuangan", "Pranata Komputer", "Arsiparis", "Analis SDM Aparatur",
    "Pengadministrasi Umum", "Bendahara", "Perencana", "Auditor", "Pengawas Sekolah", "Guru",
    "Perawat", "Bidan", "Dokter", "Apoteker", "Penyuluh", "Teknisi", "Pengemudi", "Petugas Kebersihan",
    "Satpol PP", "Pengelola Layanan Operasional", "Kepala Seksi", "Kepala Bidang", "Sekretaris",
)
