"""Calendar fixtures: the 2025 cuti bersama around Lebaran, recorded as an admin would."""
from __future__ import annotations

from datetime import date

import pytest

from netralitas.calendar.models import DayOff, DayOffKind
from netralitas.extensions import db

SKB_2025 = "SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024"
#: The cuti bersama of SKB 2025 between Nyepi and Good Friday.
LEBARAN_2025 = {
    date(2025, 3, 28): "Cuti Bersama Hari Suci Nyepi",
    date(2025, 4, 2): "Cuti Bersama Hari Raya Idul Fitri",
    date(2025, 4, 3): "Cuti Bersama Hari Raya Idul Fitri",
    date(2025, 4, 4): "Cuti Bersama Hari Raya Idul Fitri",
    date(2025, 4, 7): "Cuti Bersama Hari Raya Idul Fitri",
}


@pytest.fixture
def lebaran_2025(app) -> list[DayOff]:
    """The five 2025 cuti bersama days around Nyepi and Idul Fitri, committed."""
    rows = [DayOff(day=day, name=name, kind=DayOffKind.CUTI_BERSAMA, source=SKB_2025)
            for day, name in LEBARAN_2025.items()]
    db.session.add_all(rows)
    db.session.commit()
    return rows
