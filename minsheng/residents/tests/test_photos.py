"""What a photo must be and how it is cleaned, without a database."""

import io

import pytest
from PIL import Image

from minsheng.residents import photos
from minsheng.residents.tests.pictures import GPS_IFD, gif, jpeg_with_gps, png, webp

TRUNCATED = jpeg_with_gps()[:-2000]  # the header is whole, the picture stops half way


def test_a_phone_photo_loses_its_exif_and_gps_position() -> None:
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(GPS_IFD)

    photo = photos.clean(raw)

    stored = Image.open(io.BytesIO(photo.data))
    assert photo.content_type == "image/jpeg"
    assert dict(stored.getexif()) == {}
    assert b"Exif" not in photo.data
    assert b"PhoneMaker" not in photo.data


def test_a_sideways_photo_is_turned_upright_before_its_exif_is_dropped() -> None:
    photo = photos.clean(jpeg_with_gps((800, 600), orientation=6))  # rotated 90° by the camera

    assert (photo.width, photo.height) == (600, 800)


def test_png_and_webp_are_accepted_and_keep_their_type() -> None:
    assert photos.clean(png()).content_type == "image/png"
    assert photos.clean(png(mode="RGB")).extension == "png"
    assert photos.clean(webp()).content_type == "image/webp"


def test_a_big_photo_is_stored_at_most_2560_pixels_wide() -> None:
    photo = photos.clean(jpeg_with_gps((5000, 2500)))

    assert (photo.width, photo.height) == (2560, 1280)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "照片是空文件"),
        (b"%PDF-1.7 not a photo at all", "只能上传 JPEG、PNG 或 WebP"),
        (b"MZ\x90\x00 an executable renamed to .jpg", "只能上传 JPEG、PNG 或 WebP"),
        (gif(), "只能上传 JPEG、PNG 或 WebP"),
        (jpeg_with_gps()[:400], "只能上传 JPEG、PNG 或 WebP"),
        (TRUNCATED, "照片已损坏"),
    ],
)
def test_what_is_not_a_whole_jpeg_png_or_webp_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(photos.PhotoError, match=message):
        photos.clean(raw)


def test_a_file_over_10_mb_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(photos.PhotoError, match="不能超过 10 MB"):
        photos.clean(b"\xff\xd8\xff" + b"\0" * photos.MAX_BYTES)


def test_an_image_of_too_many_pixels_is_refused() -> None:
    out = io.BytesIO()
    Image.new("L", (9000, 5000)).save(out, "PNG")  # 45 megapixels, a few kilobytes

    with pytest.raises(photos.PhotoError, match="照片尺寸过大"):
        photos.clean(out.getvalue())
