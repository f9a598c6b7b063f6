"""Drawn signature checks: the quick ink scan never calls a blank image inked, and every verdict equals a full decode."""
from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from netralitas.core.images import ImageError, _has_visible_ink_fast, _is_blank, check_signature_png

MAX_BYTES = 2_000_000


def png(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def fully_decoded_is_blank(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return _is_blank(image)


def transparent(width: int = 300, height: int = 120, mode: str = "RGBA") -> Image.Image:
    return Image.new(mode, (width, height), (0, 0, 0, 0))


pixels = st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.integers(0, 255))


@settings(max_examples=150, deadline=None)
@given(width=st.integers(20, 300), height=st.integers(20, 90),
       dots=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), pixels), max_size=6),
       compress_level=st.integers(0, 9), optimize=st.booleans())
def test_quick_scan_agrees_with_a_full_decode(width, height, dots, compress_level, optimize):
    """Dots anywhere (first row, last pixel, invisible colour with alpha 0), any zlib level and filter choice."""
    image = transparent(width, height)
    for x, y, colour in dots:
        image.putpixel((min(int(x * width), width - 1), min(int(y * height), height - 1)), colour)
    data = png(image, compress_level=compress_level, optimize=optimize)
    blank = fully_decoded_is_blank(data)
    if _has_visible_ink_fast(data, image.size):
        assert not blank  # "surely inked" must be true
    try:
        check_signature_png(data, max_bytes=MAX_BYTES)
    except ImageError as exc:
        assert blank and str(exc) == "Tanda tangan masih kosong"
    else:
        assert not blank


def test_a_drawn_signature_is_recognised_without_decoding_it():
    image = transparent(600, 200)
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (380, 140), (560, 50)], fill=(11, 31, 77, 255), width=3)
    data = png(image)
    assert _has_visible_ink_fast(data, image.size)
    assert check_signature_png(data, max_bytes=MAX_BYTES) == (600, 200)


@pytest.mark.parametrize("image", [
    transparent(),                                              # nothing drawn
    Image.new("RGBA", (300, 120), (255, 255, 255, 0)),          # white but fully transparent
    Image.new("RGB", (300, 120), (255, 255, 255)),              # a flat white picture
    Image.new("L", (300, 120), 0),                              # a flat grey picture
])
def test_blank_images_are_refused(image):
    with pytest.raises(ImageError, match="masih kosong"):
        check_signature_png(png(image), max_bytes=MAX_BYTES)


def test_invisible_colour_first_then_real_ink_is_decided_by_the_full_decode():
    image = transparent()
    image.putpixel((0, 0), (200, 10, 10, 0))  # the first non-zero byte belongs to an invisible pixel
    assert not _has_visible_ink_fast(png(image), image.size)
    with pytest.raises(ImageError, match="masih kosong"):
        check_signature_png(png(image), max_bytes=MAX_BYTES)
    image.putpixel((150, 100), (11, 31, 77, 255))
    assert check_signature_png(png(image), max_bytes=MAX_BYTES) == (300, 120)


@pytest.mark.parametrize("image, options", [
    (Image.new("LA", (300, 120), (0, 0)), {}),
    (Image.new("RGB", (300, 120), (255, 255, 255)), {}),
    (Image.new("P", (300, 120), 0), {}),
])
def test_other_layouts_go_to_the_full_decode(image, options):
    if image.mode == "P":
        image.putpalette([255, 255, 255, 0, 0, 0])  # 0 white, 1 black
    ink = {"P": 1, "LA": (90, 255), "RGB": (0, 0, 0)}[image.mode]
    ImageDraw.Draw(image).line([(10, 10), (200, 100)], fill=ink, width=3)
    data = png(image, **options)
    assert not _has_visible_ink_fast(data, image.size)
    assert check_signature_png(data, max_bytes=MAX_BYTES) == (300, 120)


def test_ink_straddling_the_scan_steps_is_found(monkeypatch):
    """A pixel whose bytes fall on both sides of a step boundary (tiny steps force it)."""
    from netralitas.core import images

    monkeypatch.setattr(images, "_INK_SCAN_STEP", 7)
    image = transparent(50, 30)
    image.putpixel((17, 9), (11, 31, 77, 255))
    image.putpixel((3, 20), (1, 0, 0, 0))
    assert _has_visible_ink_fast(png(image), image.size)
    image = transparent(50, 30)
    image.putpixel((17, 9), (11, 31, 77, 0))
    assert not _has_visible_ink_fast(png(image), image.size)


def test_corrupt_pixel_data_is_refused_not_crashed():
    data = bytearray(png(transparent()))
    start = data.index(b"IDAT") + 4
    data[start + 2:start + 12] = b"\xff" * 10  # garbage inside the zlib stream, CRC no longer matches
    with pytest.raises(ImageError, match="rusak"):
        check_signature_png(bytes(data), max_bytes=MAX_BYTES)
    assert _has_visible_ink_fast(bytes(data), (300, 120)) is False  # "not sure": the full check decides
