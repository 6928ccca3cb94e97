"""Evidence (bukti dukung) of an activity: files checked by their content, images re-encoded
without metadata, the SHA-256 kept so the same file used for another log is flagged; links.

What is accepted is decided by the bytes, never the file name:
- JPEG, PNG, WebP photos, decoded and written again (drops EXIF: camera, time, GPS; XMP,
  comments and anything hidden after the image data). The GPS block is carried over only when
  the instansi keeps photo locations (ActivityPolicy.keep_photo_location).
- PDF: the `%PDF` header and the `%%EOF` marker in its last kilobyte (a truncated PDF, or
  another file given a PDF header, is refused).
- Office documents: OOXML (docx, xlsx, pptx) only when the archive's `[Content_Types].xml`
  names the main part of that kind (filetype alone takes any zip whose first entry is `word/`
  for a docx); macro-enabled variants do not match, nor does an archive holding a VBA project
  (`vbaProject.bin`) under an ordinary name. Legacy Office (doc, xls, ppt) only when the
  OLE2 file holds the stream of that program, and never with a VBA project inside.
- HEIC is refused: Pillow cannot decode it here, so its metadata (GPS included) cannot be
  stripped; phones send JPEG when a browser asks for an image, and the message says so.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import zipfile
from collections.abc import Iterable
from typing import Any

import filetype
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.activities import rules
from kinerja.activities.models import Activity, ActivityPolicy, Evidence, EvidenceKind
from kinerja.activities.services._common import lock, record, require_log_open, require_owner
from kinerja.core.errors import ApplicationError, Conflict
from kinerja.people.access import today_in
from kinerja.people.models import Account

MAX_FILES = 10
# An image larger than this is refused before it is decoded (a small file can claim a huge
# canvas: a decompression bomb). 50 megapixels is above any phone camera.
MAX_IMAGE_PIXELS = 50_000_000
# Read at most this much of [Content_Types].xml (a zip bomb cannot make us inflate more).
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
# Where a PDF's end-of-file marker must be (readers accept trailing bytes up to 1 KB after it).
PDF_EOF_WINDOW = 1024
REUSED = "reused_evidence"

EVIDENCE_MESSAGES = {
    "evidence_empty": _lazy("The file is empty."),
    "evidence_too_large": _lazy("The file is larger than %(mb)s MB."),
    "evidence_type": _lazy(
        "This kind of file is not accepted: send a photo (JPEG, PNG, WebP), a PDF or an "
        "office document (Word, Excel, PowerPoint)."
    ),
    "evidence_heic": _lazy(
        "HEIC photos are not accepted because their location data cannot be removed: send the "
        "photo as JPEG (choose \"Most Compatible\" in the camera settings)."
    ),
    "evidence_broken": _lazy("The image cannot be read."),
    "evidence_pdf_broken": _lazy("The PDF file is incomplete or damaged: save or export it again."),
    "evidence_image_too_big": _lazy("The image has too many pixels."),
}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names (UTF-16LE in the OLE2 directory) of each legacy Office program.
OLE2_STREAMS = (
    ("WordDocument", "application/msword"),
    ("Workbook", "application/vnd.ms-excel"),
    ("Book", "application/vnd.ms-excel"),
    ("PowerPoint Document", "application/vnd.ms-powerpoint"),
)
# The storage a VBA project (macros) lives in, in Word and Excel files.
OLE2_MACROS = ("_VBA_PROJECT",)
# The content type of each OOXML kind's main part, as [Content_Types].xml names it.
OOXML_MAIN_PARTS = (
    (
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
)
ZIP_TYPES = frozenset(
    {"application/zip", *(mime for _part, mime in OOXML_MAIN_PARTS)}
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ooxml_type(data: bytes) -> str | None:
    """The OOXML kind whose main part [Content_Types].xml declares, or None for another zip
    (a plain archive, a macro-enabled document, an OpenDocument file, a broken archive)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            with archive.open(info) as stream:
                declared = stream.read(MAX_CONTENT_TYPES_BYTES)
            macros = any(
                name.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for name in archive.namelist()
            )
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    if macros:
        return None
    found = [mime for part, mime in OOXML_MAIN_PARTS if part in declared]
    return found[0] if len(found) == 1 else None


def _ole2_type(data: bytes) -> str | None:
    """A legacy Office file by the program stream its directory holds; None with a VBA
    project (macros) or when no Office stream is there (an installer, a mail message...)."""
    if any(_utf16(name) in data for name in OLE2_MACROS):
        return None
    for name, mime in OLE2_STREAMS:
        if _utf16(name + "\x00") in data:
            return mime
    return None


def sniff(head: bytes) -> str | None:
    """The content type the bytes show (never the file name). Give the whole file: an Office
    document is recognised by what its archive or OLE2 directory holds, not by its first bytes
    alone (filetype reads the first 8 KB and would take any zip starting with `word/`)."""
    if head.startswith(OLE2_MAGIC):
        return _ole2_type(head)
    kind = filetype.guess(head[:8192])
    mime = str(kind.mime) if kind is not None else None
    if mime in ZIP_TYPES:
        return _ooxml_type(head)
    return mime


def clean_name(name: str) -> str:
    """The file name as shown to people: no folders (old browsers send C:\\fakepath\\...), no
    control characters, at most 200 characters."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "bukti"


def reencode_image(data: bytes, content_type: str, *, keep_location: bool) -> bytes:
    """Decode and write the image again: drops EXIF (camera, time, GPS), XMP, comments and
    anything hidden after the image data; applies the orientation; keeps the colour profile.
    With `keep_location`, the GPS block is carried over (some instansi want to see where the
    photo was taken)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        if opened.width * opened.height > MAX_IMAGE_PIXELS:
            raise ApplicationError(
                "evidence_image_too_big", str(EVIDENCE_MESSAGES["evidence_image_too_big"])
            )
        gps = dict(opened.getexif().get_ifd(0x8825)) if keep_location else None
        image = ImageOps.exif_transpose(opened)
        image.load()
        # Only what is needed to draw the picture; everything else in `info` (exif, xmp,
        # comment, text chunks, dpi) would be written back by some encoders.
        kept = ("icc_profile", "transparency")
        image.info = {key: image.info[key] for key in kept if key in image.info}
        fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        params: dict[str, Any] = {"quality": 85} if fmt in ("JPEG", "WEBP") else {}
        if gps:
            exif = Image.Exif()
            exif[0x8825] = gps
            params["exif"] = exif.tobytes()
        out = io.BytesIO()
        image.save(out, fmt, **params)
        return out.getvalue()


def max_bytes_for(instansi_id: int) -> tuple[int, int]:
    """The instansi's evidence size cap: (megabytes, bytes)."""
    policy = ActivityPolicy.objects.filter(instansi_id=instansi_id).first()
    mb = policy.evidence_max_mb if policy else ActivityPolicy().evidence_max_mb
    return mb, mb * 1024 * 1024


def refuse_size(instansi_id: int, size: int) -> None:
    """Refuse a file larger than the cap before reading it (the API calls this with the
    upload's declared size)."""
    mb, cap = max_bytes_for(instansi_id)
    if size > cap:
        raise ApplicationError(
            "evidence_too_large", str(EVIDENCE_MESSAGES["evidence_too_large"]) % {"mb": mb}
        )


def _refresh_reuse_flags(instansi_id: int, activity_ids: Iterable[int]) -> None:
    """Set or clear `reused_evidence` on these logs: set when one of their files is also held
    by another log of the instansi (another day or another person). Three queries."""
    ids = set(activity_ids)
    if not ids:
        return
    hashes = dict(
        Evidence.objects.filter(activity_id__in=ids, kind=EvidenceKind.FILE)
        .exclude(sha256="")
        .values_list("pk", "sha256")
    )
    holders: dict[str, set[int]] = {}
    for activity_id, digest in Evidence.objects.filter(
        instansi_id=instansi_id, sha256__in=set(hashes.values()), kind=EvidenceKind.FILE
    ).values_list("activity_id", "sha256"):
        holders.setdefault(digest, set()).add(activity_id)
    reused = {a for holders_of in holders.values() if len(holders_of) > 1 for a in holders_of}
    for activity in Activity.objects.filter(pk__in=ids).only("pk", "flags"):
        flags = set(activity.flags or [])
        wanted = flags | {REUSED} if activity.pk in reused else flags - {REUSED}
        if wanted != flags:
            activity.flags = sorted(wanted)
            activity.save(update_fields=["flags"])


def _reuse_check(evidence: Evidence) -> None:
    """Flag this log and every other log holding the same file (another day or person)."""
    others = set(
        Evidence.objects.filter(instansi_id=evidence.instansi_id, sha256=evidence.sha256)
        .exclude(activity_id=evidence.activity_id)
        .values_list("activity_id", flat=True)
    )
    if not others:
        return
    for activity in Activity.objects.filter(pk__in=others | {evidence.activity_id}):
        if REUSED not in activity.flags:
            activity.flags = sorted([*activity.flags, REUSED])
            activity.save(update_fields=["flags"])


def _delete_after_commit(name: str) -> None:
    """Delete a stored file once the transaction commits (a rolled-back removal keeps it)."""
    storage = default_storage
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def evidence_add_file(*, actor: Account, activity: Activity, name: str, data: bytes) -> Evidence:
    activity = lock(activity)
    _require_editable(actor, activity)
    _require_room(activity)
    mb, cap = max_bytes_for(activity.instansi_id)
    content_type = sniff(data)
    if content_type == "image/heic" and data:
        raise ApplicationError("evidence_heic", str(EVIDENCE_MESSAGES["evidence_heic"]))
    problem = rules.evidence_problem(content_type=content_type, size=len(data), max_bytes=cap)
    if problem:
        raise ApplicationError(problem, str(EVIDENCE_MESSAGES[problem]) % {"mb": mb})
    assert content_type is not None
    if content_type == "application/pdf" and b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise ApplicationError(
            "evidence_pdf_broken", str(EVIDENCE_MESSAGES["evidence_pdf_broken"])
        )
    if content_type in rules.REENCODED_IMAGES:
        policy = ActivityPolicy.objects.filter(instansi_id=activity.instansi_id).first()
        try:
            data = reencode_image(
                data, content_type, keep_location=bool(policy and policy.keep_photo_location)
            )
        except ApplicationError:
            raise
        except Exception as error:  # a truncated or forged image: refuse, never store it raw
            raise ApplicationError(
                "evidence_broken", str(EVIDENCE_MESSAGES["evidence_broken"])
            ) from error
    digest = hashlib.sha256(data).hexdigest()
    extension = rules.EVIDENCE_TYPES[content_type]
    evidence = Evidence(
        instansi_id=activity.instansi_id,
        activity=activity,
        kind=EvidenceKind.FILE,
        original_name=clean_name(name),
        content_type=content_type,
        size=len(data),
        sha256=digest,
    )
    evidence.file.save(f"{digest[:16]}.{extension}", ContentFile(data), save=False)
    try:
        evidence.save()
        _reuse_check(evidence)
        record(
            actor,
            activity,
            "evidence.add",
            {"evidence": [None, {"name": evidence.original_name, "sha256": digest}]},
        )
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_add_link(*, actor: Account, activity: Activity, url: str) -> Evidence:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    activity = lock(activity)
    _require_editable(actor, activity)
    _require_room(activity)
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise ApplicationError(
            "invalid_url", _("Give a full web address (https://...).")
        ) from error
    if len(url) > 500:
        raise ApplicationError("invalid_url", _("The web address is too long."))
    evidence = Evidence.objects.create(
        instansi_id=activity.instansi_id, activity=activity, kind=EvidenceKind.LINK, url=url
    )
    record(actor, activity, "evidence.add", {"evidence": [None, {"url": url}]})
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Account, evidence: Evidence) -> None:
    """Remove one piece of evidence; its stored file is deleted when the removal commits, and
    the reuse flags of the logs that shared the file are worked out again."""
    activity = lock(evidence.activity)
    _require_editable(actor, activity)
    record(
        actor,
        activity,
        "evidence.remove",
        {"evidence": [{"name": evidence.original_name, "url": evidence.url}, None]},
    )
    sharing: set[int] = set()
    if evidence.sha256:
        sharing = set(
            Evidence.objects.filter(instansi_id=evidence.instansi_id, sha256=evidence.sha256)
            .exclude(pk=evidence.pk)
            .values_list("activity_id", flat=True)
        )
    file_name = evidence.file.name if evidence.file else ""
    evidence.delete()
    if file_name:
        _delete_after_commit(file_name)
    _refresh_reuse_flags(activity.instansi_id, sharing | {activity.pk})


def _require_editable(actor: Account, activity: Activity) -> None:
    require_owner(actor, activity)
    if not rules.log_editable(activity.status):
        raise Conflict("log_locked", _("A submitted or verified log cannot be changed."))
    require_log_open(activity.instansi_id, activity.date, today_in(actor), activity.pegawai_id)


def _require_room(activity: Activity) -> None:
    if activity.evidence.count() >= MAX_FILES:
        raise ApplicationError(
            "evidence_limit",
            _("A log holds at most %(n)s pieces of evidence.") % {"n": MAX_FILES},
        )
