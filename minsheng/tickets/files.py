"""What files a ticket accepts: the type is read from the content, never trusted from the name;
photos are stored without their metadata (EXIF: the GPS position, the camera, the time)."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# (magic prefix, content type, extension)
_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"%PDF-", "application/pdf", "pdf"),
]


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an accepted file from its first bytes, or None."""
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def check(upload: Any) -> tuple[str, str]:
    """(content type, extension) of an acceptable upload; ValueError with the reason if not."""
    if not upload.size or upload.size > MAX_ATTACHMENT_BYTES:
        raise ValueError("附件不能为空，且不能超过 10 MB。")
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValueError("只能上传 JPEG、PNG、GIF、WebP 图片或 PDF 文件。")
    return kind


# Pillow's names of the blocks that carry metadata rather than pixels.
_METADATA = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "icc_profile", "dpi")
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MAX_PIXELS = 60_000_000


def cleaned(upload: UploadedFile, name: str, content_type: str) -> UploadedFile:
    """The upload to store: a photo without its metadata, anything else as it came."""
    upload.seek(0)
    plain = without_metadata(upload.read(), content_type)
    upload.seek(0)
    return upload if plain is None else SimpleUploadedFile(name, plain, content_type)


def without_metadata(raw: bytes, content_type: str) -> bytes | None:
    """A JPEG, PNG or WebP photo re-encoded from its pixels alone (turned upright first, as its
    EXIF said), when it carries EXIF, XMP, a comment or text chunks; None when there is nothing
    to remove or Pillow cannot read it (the file is then kept as it came)."""
    fmt = _PILLOW_FORMATS.get(content_type)
    if fmt is None:
        return None
    try:
        image = Image.open(io.BytesIO(raw), formats=[fmt])
        if image.width * image.height > MAX_PIXELS:
            return None
        image.load()
        if not _has_metadata(image):
            return None
        upright = ImageOps.exif_transpose(image) or image
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    if fmt == "JPEG":
        mode = "L" if upright.mode in ("L", "1") else "RGB"
    else:
        alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        mode = "RGBA" if alpha else "RGB"
    pixels = upright.convert(mode)
    plain = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if fmt == "JPEG":
        plain.save(out, "JPEG", quality=90, optimize=True)
    else:
        plain.save(out, fmt, **({"quality": 90} if fmt == "WEBP" else {"optimize": True}))
    return out.getvalue()


def _has_metadata(image: Image.Image) -> bool:
    if len(image.getexif()):
        return True
    if any(key in image.info for key in _METADATA if key != "dpi"):
        return True
    return any(isinstance(v, str) for k, v in image.info.items() if k not in _METADATA)
