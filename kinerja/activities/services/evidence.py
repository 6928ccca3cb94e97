"""Evidence (bukti dukung) of an activity: files checked by their content, images re-encoded
without metadata, the SHA-256 kept so the same file used for another log is flagged; links."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import filetype
from django.core.files.base import ContentFile
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
EVIDENCE_MESSAGES = {
    "evidence_empty": _lazy("The file is empty."),
    "evidence_too_large": _lazy("The file is larger than %(mb)s MB."),
    "evidence_type": _lazy(
        "This kind of file is not accepted: send a photo (JPEG, PNG, WebP, HEIC), a PDF or an "
        "office document (Word, Excel, PowerPoint)."
    ),
}


def sniff(head: bytes) -> str | None:
    """The content type the bytes show (never the file name): filetype reads magic numbers;
    legacy Office files share the OLE2 header, told apart here by what the caller allows."""
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"
    return None


def reencode_image(data: bytes, content_type: str, *, keep_location: bool) -> bytes:
    """Decode and write the image again: drops EXIF (camera, time, GPS) and anything hidden
    after the image data; keeps the orientation applied. With `keep_location`, the GPS block
    is carried over (some instansi want to see where the photo was taken)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        gps = image.getexif().get_ifd(0x8825) if keep_location else None
        image = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
        if fmt == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        params: dict[str, Any] = {"quality": 85} if fmt in ("JPEG", "WEBP") else {}
        if gps:
            exif = Image.Exif()
            exif[0x8825] = gps
            params["exif"] = exif.tobytes()
        image.save(out, fmt, **params)
        return out.getvalue()


def _reuse_check(evidence: Evidence) -> None:
    """Flag this log and every other log holding the same file (another day or person)."""
    others = (
        Evidence.objects.filter(instansi_id=evidence.instansi_id, sha256=evidence.sha256)
        .exclude(activity_id=evidence.activity_id)
        .values_list("activity_id", flat=True)
    )
    ids = set(others)
    if not ids:
        return
    for activity in Activity.objects.filter(pk__in=ids | {evidence.activity_id}):
        if "reused_evidence" not in activity.flags:
            activity.flags = sorted([*activity.flags, "reused_evidence"])
            activity.save(update_fields=["flags"])


@transaction.atomic
def evidence_add_file(*, actor: Account, activity: Activity, name: str, data: bytes) -> Evidence:
    activity = lock(activity)
    _require_editable(actor, activity)
    policy = ActivityPolicy.objects.filter(instansi_id=activity.instansi_id).first()
    max_mb = policy.evidence_max_mb if policy else 5
    content_type = sniff(data[:8192])
    problem = rules.evidence_problem(
        content_type=content_type, size=len(data), max_bytes=max_mb * 1024 * 1024
    )
    if problem:
        raise ApplicationError(problem, str(EVIDENCE_MESSAGES[problem]) % {"mb": max_mb})
    assert content_type is not None
    if content_type in rules.REENCODED_IMAGES:
        try:
            data = reencode_image(
                data, content_type, keep_location=bool(policy and policy.keep_photo_location)
            )
        except Exception as error:  # a truncated or forged image: refuse, never store it raw
            raise ApplicationError("evidence_broken", _("The image cannot be read.")) from error
    digest = hashlib.sha256(data).hexdigest()
    extension = rules.EVIDENCE_TYPES[content_type]
    evidence = Evidence(
        instansi_id=activity.instansi_id,
        activity=activity,
        kind=EvidenceKind.FILE,
        original_name=name[:200],
        content_type=content_type,
        size=len(data),
        sha256=digest,
    )
    evidence.file.save(f"{digest[:16]}.{extension}", ContentFile(data), save=False)
    evidence.save()
    _reuse_check(evidence)
    record(
        actor,
        activity,
        "evidence.add",
        {"evidence": [None, {"name": evidence.original_name, "sha256": digest}]},
    )
    return evidence


@transaction.atomic
def evidence_add_link(*, actor: Account, activity: Activity, url: str) -> Evidence:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    activity = lock(activity)
    _require_editable(actor, activity)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise ApplicationError(
            "invalid_url", _("Give a full web address (https://...).")
        ) from error
    evidence = Evidence.objects.create(
        instansi_id=activity.instansi_id, activity=activity, kind=EvidenceKind.LINK, url=url
    )
    record(actor, activity, "evidence.add", {"evidence": [None, {"url": url}]})
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Account, evidence: Evidence) -> None:
    activity = lock(evidence.activity)
    _require_editable(actor, activity)
    record(
        actor,
        activity,
        "evidence.remove",
        {"evidence": [{"name": evidence.original_name, "url": evidence.url}, None]},
    )
    if evidence.file:
        evidence.file.delete(save=False)
    evidence.delete()


def _require_editable(actor: Account, activity: Activity) -> None:
    require_owner(actor, activity)
    if not rules.log_editable(activity.status):
        raise Conflict("log_locked", _("A submitted or verified log cannot be changed."))
    if activity.evidence.count() >= MAX_FILES:
        raise ApplicationError("evidence_limit", _("A log holds at most 10 pieces of evidence."))
    require_log_open(activity.instansi_id, activity.date, today_in(actor))
