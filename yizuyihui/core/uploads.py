"""One upload policy for every photo the project takes (matters, progress notes, visit logs).

Checked at the edge (core/validation.EdgeValidation) before any view runs, so a refused photo
never leaves a half-filed matter behind (each retry used to add one) and a 390-byte PNG that
declares 20000×20000 pixels is a 400, not a 500 (Pillow's DecompressionBombError):

- the type comes from the content (Pillow identifies it), never from the name or the browser;
- at most MAX_BYTES bytes, MAX_PIXELS pixels and MAX_SIDE pixels a side, MAX_FILES per request;
- the file is renamed to the extension of the detected type, so it is stored under that name.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Form fields that carry photos, on every page (cases: "photos"; visits: "photo").
PHOTO_FIELDS = frozenset({"photos", "photo"})
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000
MAX_FILES = 6
TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp"),
         "GIF": ("image/gif", "gif")}


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    extension: str
    width: int
    height: int
    size: int


def check_image(file) -> CheckedImage:
    """Refuse anything that is not a readable JPEG/PNG/WebP/GIF within the limits."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(file, "size", None) or 0
    if size > MAX_BYTES:
        raise UploadRefused(_("A photo may be at most %(mb)d MB") % {"mb": MAX_BYTES // (1024 * 1024)})
    if size == 0:
        raise UploadRefused(_("The photo is empty"))
    try:
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as img:
                fmt, (width, height) = img.format, img.size
                if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                    raise UploadRefused(_("This photo has too many pixels"))
                img.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRefused(_("This photo has too many pixels")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, UploadRefused):
            raise
        raise UploadRefused(_("This file is not a photo we can read")) from exc
    finally:
        file.seek(0)
    if fmt not in TYPES:
        raise UploadRefused(_("Photos must be JPEG, PNG, WebP or GIF"))
    content_type, extension = TYPES[fmt]
    return CheckedImage(content_type, extension, width, height, size)


def check_request_photos(request) -> str | None:
    """Check every photo of the request and rename it to its detected type; the reason to refuse, or None."""
    for name, files in request.FILES.lists():
        if name not in PHOTO_FIELDS:
            continue
        if len(files) > MAX_FILES:
            return _("At most %(n)d photos at a time") % {"n": MAX_FILES}
        for file in files:
            try:
                checked = check_image(file)
            except UploadRefused as exc:
                return str(exc)
            file.content_type = checked.content_type
            file.name = f"photo.{checked.extension}"
    return None
