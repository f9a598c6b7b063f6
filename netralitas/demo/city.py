"""The fictional city of Mekarsari: its agency tree and a deterministic payroll of ~5,000 people."""
from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from netralitas.core.identity import make_nik, make_nip_pns, make_nip_pppk
from netralitas.demo.names import FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES, POSITIONS

ROOT_CODE = "MKS"
#: Province 32 exists, regency 99 does not: NIKs that pass validation yet belong to nobody.
NIK_REGION = "329901"
EMAIL_DOMAIN = "mekarsari.example.id"
#: The head counts below sum to ~4,000; scaled to the ~5,000 of a mid-sized city.
HEADCOUNT_SCALE = 1.25


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    kind: str
    parent_code: str | None
    #: Rough head count, split over the categories below.
    staff: int = 0
    #: Category mix for this agency (weights).
    mix: tuple[tuple[str, int], ...] = (("PNS", 60), ("PPPK", 25), ("KONTRAK", 10), ("UPAHAN", 5))


HOSPITAL_MIX = (("PNS", 35), ("PPPK", 20), ("BLUD", 45))
WATER_MIX = (("BUMD", 100),)
SCHOOL_MIX = (("PNS", 45), ("PPPK", 50), ("UPAHAN", 5))


def demo_agencies() -> list[DemoAgency]:
    """About 55 agencies on three levels, parents listed before children."""
    root = DemoAgency(ROOT_CODE, "Pemerintah Kota Mekarsari", "PEMERINTAH", None)
    opd = [
        DemoAgency("MKS.SETDA", "Sekretariat Daerah", "SEKRETARIAT", ROOT_CODE, 90),
        DemoAgency("MKS.DPRD", "Sekretariat DPRD", "SEKRETARIAT", ROOT_CODE, 45),
        DemoAgency("MKS.INSP", "Inspektorat", "BADAN", ROOT_CODE, 40),
        DemoAgency("MKS.BAPPEDA", "Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah", "BADAN", ROOT_CODE, 50),
        DemoAgency("MKS.BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "BADAN", ROOT_CODE, 45),
        DemoAgency("MKS.BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah", "BADAN", ROOT_CODE, 70),
        DemoAgency("MKS.BAPENDA", "Badan Pendapatan Daerah", "BADAN", ROOT_CODE, 60),
        DemoAgency("MKS.BPBD", "Badan Penanggulangan Bencana Daerah", "BADAN", ROOT_CODE, 40),
        DemoAgency("MKS.KESBANG", "Badan Kesatuan Bangsa dan Politik", "BADAN", ROOT_CODE, 30),
        DemoAgency("MKS.DISDIK", "Dinas Pendidikan", "DINAS", ROOT_CODE, 120, SCHOOL_MIX),
        DemoAgency("MKS.DINKES", "Dinas Kesehatan", "DINAS", ROOT_CODE, 90),
        DemoAgency("MKS.PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", "DINAS", ROOT_CODE, 110),
        DemoAgency("MKS.DISHUB", "Dinas Perhubungan", "DINAS", ROOT_CODE, 100),
        DemoAgency("MKS.DINSOS", "Dinas Sosial", "DINAS", ROOT_CODE, 55),
        DemoAgency("MKS.DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "DINAS", ROOT_CODE, 60),
        DemoAgency("MKS.DLH", "Dinas Lingkungan Hidup", "DINAS", ROOT_CODE, 220,
                   (("PNS", 25), ("PPPK", 10), ("KONTRAK", 15), ("UPAHAN", 50))),
        DemoAgency("MKS.KOMINFO", "Dinas Komunikasi dan Informatika", "DINAS", ROOT_CODE, 50),
        DemoAgency("MKS.DISDAG", "Dinas Perdagangan dan Perindustrian", "DINAS", ROOT_CODE, 55),
        DemoAgency("MKS.DISTAN", "Dinas Pertanian dan Ketahanan Pangan", "DINAS", ROOT_CODE, 60),
        DemoAgency("MKS.DPMPTSP", "Dinas Penanaman Modal dan PTSP", "DINAS", ROOT_CODE, 45),
        DemoAgency("MKS.SATPOLPP", "Satuan Polisi Pamong Praja", "DINAS", ROOT_CODE, 160,
                   (("PNS", 35), ("PPPK", 15), ("KONTRAK", 50))),
        DemoAgency("MKS.RSUD", "RSUD Kota Mekarsari", "BLUD", ROOT_CODE, 520, HOSPITAL_MIX),
        DemoAgency("MKS.PDAM", "Perumda Air Minum Tirta Mekar", "BUMD", ROOT_CODE, 180, WATER_MIX),
    ]
    units = [
        DemoAgency("MKS.DISDIK.SD01", "SD Negeri 1 Mekarsari", "UNIT", "MKS.DISDIK", 210, SCHOOL_MIX),
        DemoAgency("MKS.DISDIK.SD02", "SD Negeri 2 Mekarsari", "UNIT", "MKS.DISDIK", 200, SCHOOL_MIX),
        DemoAgency("MKS.DISDIK.SMP01", "SMP Negeri 1 Mekarsari", "UNIT", "MKS.DISDIK", 260, SCHOOL_MIX),
        DemoAgency("MKS.DISDIK.SMP02", "SMP Negeri 2 Mekarsari", "UNIT", "MKS.DISDIK", 240, SCHOOL_MIX),
        DemoAgency("MKS.DINKES.PKM01", "Puskesmas Mekar Utara", "UNIT", "MKS.DINKES", 110, HOSPITAL_MIX),
        DemoAgency("MKS.DINKES.PKM02", "Puskesmas Mekar Selatan", "UNIT", "MKS.DINKES", 105, HOSPITAL_MIX),
        DemoAgency("MKS.DINKES.LABKES", "UPT Laboratorium Kesehatan Daerah", "UNIT", "MKS.DINKES", 35),
        DemoAgency("MKS.DISHUB.UPTPKB", "UPT Pengujian Kendaraan Bermotor", "UNIT", "MKS.DISHUB", 40),
    ]
    districts = ("Mekar Utara", "Mekar Selatan", "Sukajadi", "Cibeureum", "Sindangrasa")
    villages = {
        "Mekar Utara": ("Mekarwangi", "Sukamulya", "Cipanas"),
        "Mekar Selatan": ("Margahayu", "Sukasari"),
        "Sukajadi": ("Sukajadi", "Pasirkaliki", "Cigadung"),
        "Cibeureum": ("Cibeureum", "Setiamekar"),
        "Sindangrasa": ("Sindangrasa", "Karangmekar", "Sirnagalih"),
    }
    for d_index, district in enumerate(districts, start=1):
        d_code = f"MKS.KEC{d_index:02d}"
        units.append(DemoAgency(d_code, f"Kecamatan {district}", "KECAMATAN", ROOT_CODE, 45))
        for v_index, village in enumerate(villages[district], start=1):
            units.append(DemoAgency(f"{d_code}.KEL{v_index:02d}", f"Kelurahan {village}", "KELURAHAN", d_code, 22,
                                    (("PNS", 55), ("PPPK", 15), ("KONTRAK", 10), ("UPAHAN", 20))))
    return [root, *opd, *units]


@dataclass(frozen=True)
class DemoEmployee:
    name: str
    category: str
    nip: str
    nik: str
    agency_code: str
    birth_date: date
    gender: str
    position: str
    phone: str
    email: str

    def as_row(self) -> dict[str, str]:
        """The employee as an import-template row."""
        return {"nama": self.name, "nip": self.nip, "nik": self.nik, "kategori": self.category,
                "kode_unit": self.agency_code, "tanggal_lahir": self.birth_date.isoformat(),
                "jenis_kelamin": self.gender, "jabatan": self.position, "no_hp": self.phone, "email": self.email}


def demo_employees(seed: int = 2024) -> Iterator[DemoEmployee]:
    """A deterministic payroll: the same people, numbers and units on every run."""
    rng = random.Random(seed)
    nip_sequences: dict[str, int] = {}
    nik_sequences: dict[str, int] = {}
    used_emails: dict[str, int] = {}
    for agency in demo_agencies():
        categories = [c for c, _ in agency.mix]
        weights = [w for _, w in agency.mix]
        for _ in range(round(agency.staff * HEADCOUNT_SCALE)):
            category = rng.choices(categories, weights)[0]
            yield _person(rng, agency.code, category, nip_sequences, nik_sequences, used_emails)


def _person(rng: random.Random, agency_code: str, category: str, nip_sequences: dict[str, int],
            nik_sequences: dict[str, int], used_emails: set[str]) -> DemoEmployee:
    gender = rng.choice("LP")
    given = rng.choice(MALE_NAMES if gender == "L" else FEMALE_NAMES)
    name = f"{given} {rng.choice(FAMILY_NAMES)}"
    birth = date(1966, 1, 1) + timedelta(days=rng.randrange(365 * 36))
    nik_key = f"{birth.isoformat()}{gender}"
    nik_sequences[nik_key] = nik_sequences.get(nik_key, 0) + 1
    nik = make_nik(NIK_REGION, birth, gender, nik_sequences[nik_key])
    nip = ""
    if category == "PNS":
        year = min(birth.year + rng.randint(22, 32), 2023)
        month = rng.randint(1, 12)
        key = f"{birth.isoformat()}{year}{month}{gender}"
        nip_sequences[key] = nip_sequences.get(key, 0) + 1
        nip = make_nip_pns(birth, year, month, gender, nip_sequences[key])
    elif category == "PPPK":
        year = rng.choice((2021, 2022, 2023, 2024))
        key = f"{birth.isoformat()}{year}{gender}"
        nip_sequences[key] = nip_sequences.get(key, 0) + 1
        nip = make_nip_pppk(birth, year, 1, gender, nip_sequences[key])
    phone = f"08{rng.choice(('12', '13', '52', '57', '77', '95'))}{rng.randrange(10**7, 10**8)}" if rng.random() < 0.75 else ""
    email = ""
    if rng.random() < 0.5:
        local = f"{given.lower()}.{name.split()[-1].lower()}"
        used_emails[local] = used_emails.get(local, 0) + 1
        email = f"{local}{used_emails[local] if used_emails[local] > 1 else ''}@{EMAIL_DOMAIN}"
    return DemoEmployee(name, category, nip, nik, agency_code, birth, gender, rng.choice(POSITIONS), phone, email)
