"""Benchmark the invitation slips PDF: N slips with long names and units, timed and measured (peak RSS).

Usage: .venv/bin/python bench/invitation_slips.py [--slips 5000] [--out /tmp/slips.pdf]
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netralitas.core.codes import derived_code, group  # noqa: E402
from netralitas.invitations.slips import Slip, slips_pdf  # noqa: E402

NAMES = ("Ni Luh Putu Ayu Wédari", "Nur'aini Çelik", "Dr. H. Muhammad Rizky Pratama Wicaksono, S.Kom., M.T.",
         "<script>alert(1)</script>")


def slips(count: int):
    for i in range(count):
        code = derived_code(b"bench-key", str(i), 10)
        yield Slip(name=f"{NAMES[i % len(NAMES)]} {i}", unit=f"Dinas Pendidikan dan Kebudayaan - Bidang SD {i % 50}",
                   category="PNS", code=code, url=f"https://netralitas.kotabandung.go.id/i/{group(code)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slips", type=int, default=5000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    pdf = slips_pdf("Deklarasi Netralitas ASN Pilkada Serentak Kota Bandung 2024", slips(args.slips))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if args.out:
        args.out.write_bytes(pdf)
    print(f"{args.slips} slips: {elapsed:.1f} s, PDF {len(pdf) / 1e6:.1f} MB, "
          f"peak RSS {peak / 1024:.0f} MB (+{(peak - before) / 1024:.0f} MB while building)")


if __name__ == "__main__":
    main()
