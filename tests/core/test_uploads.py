"""One upload policy for every photo (core/uploads.py), checked before anything is written."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from yizuyihui.cases.models import Attachment, Case, CaseEvent
from yizuyihui.core.uploads import MAX_BYTES

pytestmark = pytest.mark.django_db


def png(w=4, h=4) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "red").save(buf, "PNG")
    return buf.getvalue()


def bomb(w=20000, h=20000) -> bytes:
    """A few hundred bytes that declare w×h pixels (the IHDR rewritten, CRC fixed)."""
    data = bytearray(png())
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def upload(content: bytes, name="photo.jpg", ctype="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=ctype)


@pytest.mark.parametrize("content, why", [
    (bomb(), "pixels"),
    (b"%PDF-1.4 not a photo", "not a photo"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 50, "not a photo"),
    (b"", "empty"),
])
def test_a_refused_photo_files_nothing(cast, login, content, why):
    assert len(bomb()) < 1000
    client = login("resident")
    for _ in range(2):  # each retry used to add a matter
        response = client.post(reverse("cases:resident_file"), {"title": "路灯坏了", "photos": [upload(content)]})
        assert response.status_code == 400, why
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_an_oversize_photo_is_refused_before_the_matter_is_filed(cast, login):
    big = png() + b"\0" * (MAX_BYTES + 1)
    response = login("grid_worker").post(reverse("cases:staff_file"), {
        "unit": cast.unit_a.pk, "title": "路灯坏了", "channel": "visit", "photos": [upload(big)]})
    assert response.status_code == 400 and not Case.objects.exists()


def test_photos_are_stored_under_the_detected_type(cast, login):
    response = login("resident").post(reverse("cases:resident_file"), {
        "title": "路灯坏了", "photos": [upload(png(), name="evil.html", ctype="text/html")]})
    assert response.status_code == 302
    att = Attachment.objects.get()
    assert att.file.name.endswith(".png") and att.content_type == "image/png"


def test_progress_photos_follow_the_same_policy(cast, login):
    from yizuyihui.cases.services import case_claim, case_dispatch, case_file, case_receive

    case = case_file(unit=cast.unit_a, actor=cast.users["resident"], title="路灯", description="", channel="web")
    case_receive(case=case, actor=cast.users["unit_leader"])
    case_dispatch(case=case, actor=cast.users["unit_leader"], handlers=[cast.users["grid_worker"]])
    case_claim(case=case, actor=cast.users["grid_worker"])
    events = CaseEvent.objects.count()
    response = login("grid_worker").post(reverse("cases:act", args=[case.pk, "progress"]),
                                         {"reason": "已联系电工", "photos": [upload(bomb())]})
    assert response.status_code == 400 and CaseEvent.objects.count() == events


def test_visit_photos_follow_the_same_policy(cast, login):
    from yizuyihui.people.models import Household
    from yizuyihui.visits.models import Visit

    household = Household.objects.filter(unit=cast.unit_a).first()
    big = png() + b"\0" * (50 * 1024 * 1024)
    client = login("grid_worker")
    response = client.post(reverse("visits:log", args=[household.pk]),
                           {"visited_at": "2026-01-05T10:00", "photo": upload(big)})
    assert response.status_code == 400 and not Visit.objects.exists()
    response = client.post(reverse("visits:log", args=[household.pk]),
                           {"visited_at": "2026-01-05T10:00", "photo": upload(png(), name="x.exe")})
    assert response.status_code == 302
    assert Visit.objects.get().photo.name.endswith(".png")
