"""Evidence hardening: the type comes from the content (a renamed PDF is a PDF, text or HTML
named .jpg is refused, a zip is an Office document only when its [Content_Types].xml says so,
legacy Office only with its program stream and no macros, HEIC refused), the size cap, images
re-encoded without EXIF (GPS and camera gone; GPS kept where the instansi wants it), SHA-256
stored, reuse across days and people flagged, removal deletes the stored file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import filetype
import pytest
from PIL import Image

from kinerja.activities import services
from kinerja.activities.models import Activity, ActivityPolicy, Evidence
from kinerja.activities.services.evidence import MAX_FILES, sniff
from kinerja.activities.testing import log
from kinerja.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GPS_IFD, MAKE, MODEL, ORIENTATION = 0x8825, 0x010F, 0x0110, 0x0112


def add(cast, who, activity, name, data):
    return services.evidence_add_file(actor=cast.accounts[who], activity=activity, name=name,
                                      data=data)


def refused(cast, activity, name, data) -> str:
    with pytest.raises(ApplicationError) as caught:
        add(cast, "pegawai", activity, name, data)
    assert caught.value.message
    return caught.value.code


def ooxml(main: str | None, first: str = "word/document.xml") -> bytes:
    """A zip laid out like an Office file: `first` as the first entry, then a
    [Content_Types].xml declaring `main` as the main part (or none at all)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(first, "<w:document/>")
        if main is not None:
            archive.writestr(
                "[Content_Types].xml",
                '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
                f'ContentType="{main}"/></Types>',
            )
    return out.getvalue()


def ole2(*streams: str) -> bytes:
    body = b"".join((name + "\x00").encode("utf-16-le").ljust(64, b"\x00") for name in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + body + b"\x00" * 2048


def jpeg_with_exif(size=(40, 20), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (30, 90, 200))
    exif = Image.Exif()
    exif[MAKE] = "KameraMerek"
    exif[MODEL] = "Ponsel X1"
    if orientation:
        exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 49.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"rahasia kamera")
    return out.getvalue()


def stored_bytes(evidence: Evidence) -> bytes:
    with evidence.file.open("rb") as handle:
        return handle.read()


# --- Type by content --------------------------------------------------------------------------


def test_a_pdf_named_jpg_is_stored_as_a_pdf(cast, work):
    evidence = add(cast, "pegawai", log(cast, "pegawai", work), "foto.jpg", PDF)
    assert evidence.content_type == "application/pdf"
    assert evidence.file.name.endswith(".pdf") and evidence.original_name == "foto.jpg"
    assert stored_bytes(evidence) == PDF


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("foto.jpg", b"just some text, not a photo\n"),
        ("bukti.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("bukti.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>"),
        ("arsip.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("gambar.gif", b"GIF89a" + b"\x00" * 100),
        ("setup.doc", b"MZ\x90\x00" + b"\x00" * 200),
    ],
)
def test_other_content_is_refused_whatever_its_name(cast, work, name, data):
    assert refused(cast, log(cast, "pegawai", work), name, data) == "evidence_type"
    assert not Evidence.objects.exists()


def test_filetype_alone_takes_any_zip_starting_with_word_as_docx(cast, work):
    """Why the service opens the archive: filetype's matcher only reads the first entry name."""
    fake = ooxml(None)
    assert filetype.guess(fake).mime == DOCX
    assert sniff(fake) is None
    assert refused(cast, log(cast, "pegawai", work), "laporan.docx", fake) == "evidence_type"


def test_office_documents_are_recognised_by_content_types(cast, work):
    activity = log(cast, "pegawai", work)
    word = ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    sheet = ooxml("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                  first="xl/workbook.xml")
    assert add(cast, "pegawai", activity, "a.bin", word).content_type == DOCX
    evidence = add(cast, "pegawai", activity, "b", sheet)
    assert evidence.content_type == XLSX and evidence.file.name.endswith(".xlsx")


def test_macro_enabled_and_plain_zips_are_refused(cast, work):
    activity = log(cast, "pegawai", work)
    docm = ooxml("application/vnd.ms-word.document.macroEnabled.main+xml")
    assert refused(cast, activity, "makro.docx", docm) == "evidence_type"
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("payload.exe", "MZ")
    assert refused(cast, activity, "arsip.xlsx", plain.getvalue()) == "evidence_type"


def test_legacy_office_needs_its_stream_and_no_macros(cast, work):
    activity = log(cast, "pegawai", work)
    assert sniff(ole2("Root Entry", "WordDocument")) == "application/msword"
    assert sniff(ole2("Root Entry", "Workbook")) == "application/vnd.ms-excel"
    assert sniff(ole2("Root Entry", "PowerPoint Document")) == "application/vnd.ms-powerpoint"
    assert add(cast, "pegawai", activity, "lama.doc", ole2("WordDocument")).content_type == (
        "application/msword"
    )
    assert refused(cast, activity, "makro.doc", ole2("WordDocument", "_VBA_PROJECT_CUR")) == (
        "evidence_type"
    )
    assert refused(cast, activity, "pesan.msg", ole2("__substg1.0_0037001F")) == "evidence_type"


def test_heic_is_refused_because_its_metadata_cannot_be_stripped(cast, work):
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    assert sniff(heic) == "image/heic"
    assert refused(cast, log(cast, "pegawai", work), "IMG_0001.HEIC", heic) == "evidence_heic"


def test_a_broken_image_is_refused_not_stored_raw(cast, work):
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\xff" * 40
    assert refused(cast, log(cast, "pegawai", work), "rusak.png", broken) == "evidence_broken"


def test_an_image_with_too_many_pixels_is_refused_before_decoding(cast, work):
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    assert len(out.getvalue()) < 5 * 1024 * 1024
    code = refused(cast, log(cast, "pegawai", work), "bom.png", out.getvalue())
    assert code == "evidence_image_too_big"


# --- Size -------------------------------------------------------------------------------------


def test_size_cap_follows_the_policy(cast, work):
    activity = log(cast, "pegawai", work)
    ActivityPolicy.objects.create(instansi=cast.instansi, evidence_max_mb=1)
    # A comment line pads the PDF (its %%EOF stays at the end, where readers look for it).
    big = PDF[:9] + b"%" + b"0" * (1024 * 1024) + b"\n" + PDF[9:]
    with pytest.raises(ApplicationError) as caught:
        add(cast, "pegawai", activity, "besar.pdf", big)
    assert caught.value.code == "evidence_too_large" and "1 MB" in caught.value.message
    assert refused(cast, activity, "kosong.pdf", b"") == "evidence_empty"
    ActivityPolicy.objects.filter(instansi=cast.instansi).update(evidence_max_mb=2)
    assert add(cast, "pegawai", activity, "besar.pdf", big).size == len(big)


# --- Images -----------------------------------------------------------------------------------


def test_jpeg_exif_gps_and_camera_tags_are_stripped(cast, work):
    original = jpeg_with_exif()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD) and before.getexif()[MAKE] == "KameraMerek"
    evidence = add(cast, "pegawai", log(cast, "pegawai", work), "foto.jpg", original)
    data = stored_bytes(evidence)
    with Image.open(io.BytesIO(data)) as after:
        exif = after.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert MAKE not in exif and MODEL not in exif
        assert "comment" not in after.info
    assert b"KameraMerek" not in data and b"Ponsel X1" not in data and b"rahasia" not in data
    assert evidence.content_type == "image/jpeg"


def test_gps_is_kept_where_the_instansi_wants_it(cast, work):
    ActivityPolicy.objects.create(instansi=cast.instansi, keep_photo_location=True)
    evidence = add(cast, "pegawai", log(cast, "pegawai", work), "foto.jpg", jpeg_with_exif())
    with Image.open(io.BytesIO(stored_bytes(evidence))) as after:
        exif = after.getexif()
        gps = exif.get_ifd(GPS_IFD)
        assert gps[1] == "S" and gps[3] == "E"
        assert float(gps[2][0]) == 6.0 and float(gps[4][0]) == 106.0
        assert MAKE not in exif and MODEL not in exif


def test_orientation_is_applied_then_dropped(cast, work):
    evidence = add(cast, "pegawai", log(cast, "pegawai", work), "tegak.jpg",
                   jpeg_with_exif(size=(40, 20), orientation=6))
    with Image.open(io.BytesIO(stored_bytes(evidence))) as after:
        assert after.size == (20, 40)
        assert ORIENTATION not in after.getexif()


def test_png_text_chunks_are_dropped(cast, work):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Nama Pemotret")
    out = io.BytesIO()
    Image.new("RGBA", (5, 5), (1, 2, 3, 100)).save(out, "PNG", pnginfo=info)
    evidence = add(cast, "pegawai", log(cast, "pegawai", work), "layar.png", out.getvalue())
    data = stored_bytes(evidence)
    assert b"Nama Pemotret" not in data and b"tEXt" not in data
    with Image.open(io.BytesIO(data)) as after:
        assert after.mode == "RGBA"


def test_sha256_is_of_the_stored_file(cast, work):
    evidence = add(cast, "pegawai", log(cast, "pegawai", work), "foto.jpg", jpeg_with_exif())
    assert evidence.sha256 == hashlib.sha256(stored_bytes(evidence)).hexdigest()
    assert evidence.size == len(stored_bytes(evidence))


# --- Reuse ------------------------------------------------------------------------------------


def flagged() -> set[int]:
    return {a.pk for a in Activity.objects.all() if "reused_evidence" in a.flags}


def test_the_same_file_on_another_persons_log_flags_both(cast, work):
    mine = log(cast, "pegawai", work)
    theirs = log(cast, "pegawai2", work)
    photo = jpeg_with_exif()
    add(cast, "pegawai", mine, "foto.jpg", photo)
    mine.refresh_from_db()
    assert "reused_evidence" not in mine.flags
    add(cast, "pegawai2", theirs, "kiriman.jpg", photo)
    for activity in (mine, theirs):
        activity.refresh_from_db()
        assert "reused_evidence" in activity.flags


def test_the_same_file_on_another_day_flags_both(cast, work):
    today = log(cast, "pegawai", work)
    yesterday = log(cast, "pegawai", work, date=work.today - dt.timedelta(days=1))
    add(cast, "pegawai", today, "notulen.pdf", PDF)
    add(cast, "pegawai", yesterday, "notulen-lagi.pdf", PDF)
    assert flagged() == {today.pk, yesterday.pk}


def test_removing_the_reused_file_clears_the_flags(cast, work, django_capture_on_commit_callbacks):
    mine = log(cast, "pegawai", work)
    theirs = log(cast, "pegawai2", work)
    add(cast, "pegawai", mine, "a.pdf", PDF)
    copy = add(cast, "pegawai2", theirs, "b.pdf", PDF)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(actor=cast.pegawai2, evidence=copy)
    for activity in (mine, theirs):
        activity.refresh_from_db()
        assert "reused_evidence" not in activity.flags


def test_a_different_file_does_not_flag(cast, work):
    mine = log(cast, "pegawai", work)
    theirs = log(cast, "pegawai2", work)
    add(cast, "pegawai", mine, "a.pdf", PDF)
    add(cast, "pegawai2", theirs, "b.pdf", PDF + b"% beda\n")
    assert flagged() == set()


# --- Removal and limits -----------------------------------------------------------------------


def test_removal_deletes_the_stored_file_after_commit(cast, work,
                                                     django_capture_on_commit_callbacks):
    evidence = add(cast, "pegawai", log(cast, "pegawai", work), "a.pdf", PDF)
    storage, name = evidence.file.storage, evidence.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(actor=cast.pegawai, evidence=evidence)
        assert storage.exists(name)  # still there until the removal commits
    assert not storage.exists(name)


def test_a_full_log_refuses_more_but_still_allows_removal(cast, work):
    activity = log(cast, "pegawai", work)
    for i in range(MAX_FILES):
        services.evidence_add_link(actor=cast.pegawai, activity=activity,
                                   url=f"https://contoh.go.id/{i}")
    assert refused(cast, activity, "a.pdf", PDF) == "evidence_limit"
    services.evidence_remove(actor=cast.pegawai, evidence=activity.evidence.first())
    assert activity.evidence.count() == MAX_FILES - 1


def test_only_the_owner_adds_or_removes(cast, work):
    from kinerja.core.errors import Forbidden

    activity = log(cast, "pegawai", work)
    evidence = add(cast, "pegawai", activity, "a.pdf", PDF)
    with pytest.raises(Forbidden):
        add(cast, "atasan", activity, "b.pdf", PDF)
    with pytest.raises(Forbidden):
        services.evidence_remove(actor=cast.atasan, evidence=evidence)


def test_submitted_log_refuses_evidence_changes(cast, work):
    from kinerja.core.errors import Conflict

    activity = log(cast, "pegawai", work)
    evidence = add(cast, "pegawai", activity, "a.pdf", PDF)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    with pytest.raises(Conflict):
        add(cast, "pegawai", activity, "b.pdf", PDF)
    with pytest.raises(Conflict):
        services.evidence_remove(actor=cast.pegawai, evidence=evidence)


def test_file_names_are_cleaned(cast, work):
    evidence = add(cast, "pegawai", log(cast, "pegawai", work),
                   "C:\\Users\\dewi\\../bukti\x00\x07 rapat.pdf", PDF)
    assert evidence.original_name == "bukti rapat.pdf"
