"""The default declaration text and the canonical form whose SHA-256 every signature stores."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

DEFAULT_TITLE = "Pernyataan Netralitas Pegawai Pemerintah Daerah"

DEFAULT_PREAMBLE = (
    "Saya yang bertanda tangan di bawah ini, pegawai yang digaji dari anggaran pemerintah daerah, "
    "dengan penuh kesadaran dan tanpa paksaan dari pihak mana pun menyatakan bahwa saya:"
)

DEFAULT_POINTS = (
    "Bersikap netral dan tidak memihak sebelum, selama, dan sesudah penyelenggaraan pemilihan, "
    "termasuk pada masa tenang dan penghitungan suara.",
    "Tidak ikut serta dalam kampanye, tidak menjadi anggota tim pemenangan, dan tidak memberikan "
    "dukungan kepada peserta pemilihan dalam bentuk apa pun.",
    "Tidak mengunggah, mengomentari, membagikan, menyukai, atau mengikuti akun maupun konten peserta "
    "pemilihan di media sosial, serta tidak memakai atribut atau simbol peserta pemilihan.",
    "Tidak menggunakan jabatan, kewenangan, fasilitas kantor, kendaraan dinas, maupun anggaran negara "
    "atau daerah untuk kepentingan peserta pemilihan.",
    "Menolak segala bentuk politik uang, tidak menerima maupun memberikan uang, barang, atau janji "
    "terkait pemilihan, dan melaporkannya bila mengetahui.",
    "Tidak membuat keputusan atau tindakan yang menguntungkan atau merugikan peserta pemilihan, "
    "termasuk dalam pelayanan kepada masyarakat.",
    "Tidak mengarahkan, mengintimidasi, atau memengaruhi rekan kerja, bawahan, keluarga, maupun "
    "masyarakat untuk memilih atau tidak memilih peserta tertentu.",
    "Bersedia menerima sanksi disiplin dan sanksi lain sesuai ketentuan peraturan perundang-undangan "
    "apabila melanggar pernyataan ini.",
)

DEFAULT_CLOSING = (
    "Demikian pernyataan ini saya buat dengan sebenar-benarnya untuk dipergunakan sebagaimana mestinya."
)


@dataclass(frozen=True)
class TextContent:
    """The parts of a declaration text, independent of storage."""

    title: str
    preamble: str
    points: tuple[str, ...]
    closing: str

    def canonical(self) -> str:
        """One exact rendering: title, preamble, numbered points and closing, separated by blank lines."""
        numbered = "\n".join(f"{i}. {point}" for i, point in enumerate(self.points, start=1))
        return "\n\n".join([self.title.strip(), self.preamble.strip(), numbered, self.closing.strip()]) + "\n"

    def sha256(self) -> str:
        """SHA-256 hex of the canonical rendering in UTF-8."""
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()


DEFAULT_TEXT = TextContent(DEFAULT_TITLE, DEFAULT_PREAMBLE, DEFAULT_POINTS, DEFAULT_CLOSING)
