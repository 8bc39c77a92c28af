"""What a resident's photo must be, and how it is cleaned before it is stored.

The type is read from the content by Pillow (JPEG, PNG, WebP only), never from the file name. The
picture is re-encoded from its pixels alone, so EXIF — above all the GPS position of the
resident's home — and every other metadata block is dropped; the EXIF orientation is applied
first so the photo still stands upright.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; more is a decompression bomb, not a photo
MAX_SIDE = 12_000
STORED_SIDE = 2560  # enough to read a licence plate or a meter; keeps storage small
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


class PhotoError(ValueError):
    """The file is not an acceptable photo; the message is for the resident."""


@dataclass(frozen=True)
class Photo:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def clean(raw: bytes) -> Photo:
    """The photo re-encoded without metadata, or PhotoError saying what is wrong."""
    if not raw:
        raise PhotoError("照片是空文件，请重新选择。")
    if len(raw) > MAX_BYTES:
        raise PhotoError(f"照片不能超过 {MAX_BYTES // 1024 // 1024} MB。")
    try:
        image = Image.open(io.BytesIO(raw), formats=list(FORMATS))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise PhotoError("只能上传 JPEG、PNG 或 WebP 格式的照片。") from error
    fmt = image.format or ""
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        megapixels = MAX_PIXELS // 1_000_000
        raise PhotoError(
            f"照片尺寸过大（{width}×{height}），请上传不超过 {megapixels} 百万像素的照片。"
        )
    try:
        image.load()
        upright = ImageOps.exif_transpose(image) or image
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise PhotoError("照片已损坏，无法读取，请重新拍摄或选择。") from error
    upright.thumbnail((STORED_SIDE, STORED_SIDE))
    pixels = _plain(upright, fmt)
    out = io.BytesIO()
    if fmt == "JPEG":
        pixels.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=85)
    content_type, extension = FORMATS[fmt]
    return Photo(out.getvalue(), content_type, extension, pixels.width, pixels.height)


def _plain(image: Image.Image, fmt: str) -> Image.Image:
    """A new image holding only the pixels: no info dict, EXIF, XMP, ICC or text chunks."""
    if fmt == "JPEG":
        mode = "L" if image.mode in ("L", "1") else "RGB"
    else:
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        mode = "RGBA" if has_alpha else "RGB"
    converted = image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())
