"""Staff uploads: photos are stored without their EXIF (#13 defect 14); other files as they came."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minsheng.tickets import files, workflow

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def phone_photo(orientation: int = 1) -> bytes:
    """A JPEG as a phone takes it: the maker, an orientation and a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (26.0, 5.0, 30.0), 3: "E", 4: (119.0, 17.0, 45.0)}
    out = io.BytesIO()
    Image.new("RGB", (80, 40), (200, 60, 40)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_photos_exif_is_removed_and_it_stays_upright() -> None:
    plain = files.without_metadata(phone_photo(orientation=6), "image/jpeg")
    assert plain is not None
    image = Image.open(io.BytesIO(plain))
    assert dict(image.getexif()) == {}
    assert image.size == (40, 80)  # orientation 6: turned a quarter, as the phone meant


def test_a_png_with_text_chunks_loses_them_and_a_plain_one_is_kept_as_it_is() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三 13812345678")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG", pnginfo=info)
    plain = files.without_metadata(out.getvalue(), "image/png")
    assert plain is not None
    assert "Author" not in Image.open(io.BytesIO(plain)).info
    bare = io.BytesIO()
    Image.new("RGB", (8, 8)).save(bare, "PNG")
    assert files.without_metadata(bare.getvalue(), "image/png") is None


@pytest.mark.parametrize(
    ("raw", "kind"),
    [(b"%PDF-1.4 ...", "application/pdf"), (b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png")],
)
def test_documents_and_unreadable_pictures_are_left_alone(raw: bytes, kind: str) -> None:
    assert files.without_metadata(raw, kind) is None


@pytest.mark.django_db
def test_a_photo_a_handler_attaches_is_stored_without_its_gps(
    dispatched: Any, street_handler: Any
) -> None:
    raw = phone_photo()
    upload = SimpleUploadedFile("IMG_0001.jpg", raw, content_type="image/jpeg")
    attachment = workflow.attach(dispatched, by=street_handler, upload=upload)
    stored = attachment.file.read()
    picture = Image.open(io.BytesIO(stored))
    assert dict(picture.getexif()) == {}
    assert not picture.getexif().get_ifd(GPS_IFD)
    assert attachment.size == len(stored)
    assert attachment.name == "IMG_0001.jpg"
