"""What files a ticket accepts: the type is read from the content, never trusted from the name."""

from typing import Any

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
