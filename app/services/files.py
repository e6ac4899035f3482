"""Attachments (вложения, доказательства): files and links held as evidence for any record.

Files live behind a small `Storage` interface (a local directory now, a shared store later);
the database keeps the original name, size, type, checksum and EXIF facts. Every attach and
remove is audited on the owner record.
"""

import hashlib
import io
import os
import re
import shutil
import tempfile
import unicodedata
import uuid
import zipfile
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from math import isfinite
from pathlib import Path
from typing import BinaryIO, NamedTuple, Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from PIL import ExifTags, Image, ImageOps
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.base import utcnow
from app.models.documents import Document
from app.models.files import Attachment
from app.models.meetings import Meeting
from app.models.org import Centre, Department, Region
from app.models.roadmap import RoadmapItem
from app.models.tasks import Task
from app.services import audit

# object_type stored on an attachment → the model of its owner; later areas add theirs here.
OWNER_TYPES: dict[str, type] = {
    "Region": Region,
    "Centre": Centre,
    "Department": Department,
    "Meeting": Meeting,
    "Task": Task,
    "Document": Document,  # the signed scan
    "RoadmapItem": RoadmapItem,  # evidence of the fact
}

MAX_URL_LENGTH = 2000
MAX_IMAGE_PIXELS = 40_000_000  # larger images are refused before Pillow decodes them
MAX_ZIP_ENTRIES = 10_000  # office files are zip containers: limits against zip bombs
MAX_ZIP_UNPACKED = 200 * 1024 * 1024
THUMBNAIL_SIZE = 320
ALLOWED_LABEL = "PDF, Word, Excel, PowerPoint, OpenDocument, изображения (JPEG, PNG, GIF, WebP, TIFF), TXT, CSV"
_CHUNK = 1024 * 1024


class FileRejected(ValueError):
    """A file or link was refused; the message is for the user."""


# ---- storage -------------------------------------------------------------------------------


class Storage(Protocol):
    """Where file contents live, addressed by an opaque key."""

    def save(self, key: str, stream: BinaryIO) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...


class LocalStorage:
    """Files in a local directory; writes are atomic (temporary file, then rename)."""

    _KEY = re.compile(r"[0-9A-Za-z_-]+(\.[0-9A-Za-z_-]+)*(/[0-9A-Za-z_-]+(\.[0-9A-Za-z_-]+)*)*")

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not self._KEY.fullmatch(key):
            raise ValueError(f"Invalid storage key: {key!r}")
        return self.root / key

    def save(self, key: str, stream: BinaryIO) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
        with temporary.open("wb") as out:
            shutil.copyfileobj(stream, out, _CHUNK)
        os.replace(temporary, path)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def storage() -> Storage:
    """The configured store: FILE_STORAGE_DIR on the local disk."""
    return LocalStorage(current_app.config["FILE_STORAGE_DIR"])


# ---- names, sizes and coordinates for people -----------------------------------------------

_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # bidirectional overrides


def clean_name(filename: str | None) -> str:
    """The user's file name without any directory part or control characters; Cyrillic kept."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _INVISIBLE.sub("", "".join(c for c in name if unicodedata.category(c) != "Cc")).strip()
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext)] + ext
    return name


def size_label(size: int | None) -> str:
    """«512 Б», «340 КБ», «1,2 МБ»."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("Б", "КБ", "МБ", "ГБ"):
        if value < 1024 or unit == "ГБ":
            break
        value /= 1024
    if unit == "Б" or value >= 10:
        return f"{round(value)} {unit}"
    return f"{value:.1f}".replace(".", ",") + f" {unit}"


def coordinates_label(latitude: float | None, longitude: float | None) -> str:
    """«56,3269° с. ш., 44,0059° в. д.»."""
    if latitude is None or longitude is None:
        return ""
    lat = f"{abs(latitude):.4f}".replace(".", ",") + ("° с. ш." if latitude >= 0 else "° ю. ш.")
    lon = f"{abs(longitude):.4f}".replace(".", ",") + ("° в. д." if longitude >= 0 else "° з. д.")
    return f"{lat}, {lon}"


def max_upload_mb() -> int:
    return current_app.config.get("MAX_UPLOAD_MB", 20)


def limits_hint() -> str:
    """The hint shown next to the upload field."""
    return f"До {max_upload_mb()} МБ. Можно: {ALLOWED_LABEL}."


# ---- content checks ------------------------------------------------------------------------

# Pillow format → content type; MPO (a phone's multi-picture JPEG) opens through the JPEG plugin
IMAGE_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
}
_PILLOW_FORMATS = ["JPEG", "PNG", "GIF", "WEBP", "TIFF"]  # "MPO" here would make Image.open raise KeyError
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TOO_MANY_PIXELS = f"Изображение больше {MAX_IMAGE_PIXELS // 10**6} мегапикселей: уменьшите его и загрузите снова."
_ZIP_BOMB = (
    f"Документ слишком велик в распакованном виде (больше {MAX_ZIP_UNPACKED // 2**20} МБ "
    f"или больше {MAX_ZIP_ENTRIES:_} частей внутри): сохраните его заново или разделите на несколько файлов."
).replace("_", " ")
_ODT = "application/vnd.oasis.opendocument.text"
_ODS = "application/vnd.oasis.opendocument.spreadsheet"
_OOXML = "application/vnd.openxmlformats-officedocument."
# extension → (label for messages, content type)
DOCUMENT_TYPES = {
    ".pdf": ("PDF", "application/pdf"),
    ".doc": ("Word", "application/msword"),
    ".xls": ("Excel", "application/vnd.ms-excel"),
    ".docx": ("Word", _OOXML + "wordprocessingml.document"),
    ".xlsx": ("Excel", _OOXML + "spreadsheetml.sheet"),
    ".pptx": ("PowerPoint", _OOXML + "presentationml.presentation"),
    ".odt": ("OpenDocument", _ODT),
    ".ods": ("OpenDocument", _ODS),
}
_OOXML_FOLDERS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff"}
ALLOWED_EXTENSIONS = sorted(set(DOCUMENT_TYPES) | set(TEXT_TYPES) | IMAGE_EXTENSIONS)


def _zip_contents(data: BinaryIO) -> tuple[set[str], str]:
    """Entry names and the ODF `mimetype` of a zip container (empty if it is not one); refuses zip bombs."""
    try:
        archive = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError, ValueError):
        return set(), ""
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_ZIP_UNPACKED:
            raise FileRejected(_ZIP_BOMB)
        try:
            with archive.open("mimetype") as member:
                mimetype = member.read(200).decode("ascii", "replace").strip()
        except Exception:  # no such entry, or a damaged or encrypted one
            mimetype = ""
    return {entry.filename for entry in entries}, mimetype


def _is_document(ext: str, data: BinaryIO) -> bool:
    """Whether the content is what the extension of an office document or PDF says."""
    if ext == ".pdf":
        return b"%PDF-" in data.read(1024)
    if ext in {".doc", ".xls"}:
        return data.read(8) == _OLE_MAGIC
    names, mimetype = _zip_contents(data)
    if ext in _OOXML_FOLDERS:
        return "[Content_Types].xml" in names and any(name.startswith(_OOXML_FOLDERS[ext]) for name in names)
    return mimetype == DOCUMENT_TYPES[ext][1]


def _text_charset(data: BinaryIO) -> str | None:
    raw = data.read()
    if b"\x00" in raw:
        return None
    for codec, charset in (("utf-8", "utf-8"), ("cp1251", "windows-1251")):
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return charset
    return None


class ExifFacts(NamedTuple):
    """When and where a photo was taken, as far as its EXIF says."""

    taken_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


def _exif_text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value or "").strip("\x00 ").strip()


def _taken_at(exif_ifd, zone: tzinfo) -> datetime | None:
    """DateTimeOriginal as naive UTC; without OffsetTimeOriginal the camera clock is `zone`."""
    try:
        local = datetime.strptime(_exif_text(exif_ifd.get(ExifTags.Base.DateTimeOriginal)), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = re.fullmatch(r"([+-])(\d\d):(\d\d)", _exif_text(exif_ifd.get(ExifTags.Base.OffsetTimeOriginal)))
    if offset:
        sign = -1 if offset[1] == "-" else 1
        zone = timezone(sign * timedelta(hours=int(offset[2]), minutes=int(offset[3])))
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _degrees(value, ref, negative: str, limit: float) -> float | None:
    """Degrees/minutes/seconds rationals to signed decimal degrees, or None if implausible."""
    parts = [float(p) for p in (value if isinstance(value, tuple) else (value,))][:3]
    if not parts or not all(isfinite(p) and p >= 0 for p in parts):
        return None
    degrees = sum(p / 60**i for i, p in enumerate(parts))
    if _exif_text(ref).upper() == negative:
        degrees = -degrees
    return degrees if abs(degrees) <= limit else None


def _position(gps_ifd) -> tuple[float | None, float | None]:
    if ExifTags.GPS.GPSLatitude not in gps_ifd or ExifTags.GPS.GPSLongitude not in gps_ifd:
        return None, None
    lat = _degrees(gps_ifd[ExifTags.GPS.GPSLatitude], gps_ifd.get(ExifTags.GPS.GPSLatitudeRef), "S", 90)
    lon = _degrees(gps_ifd[ExifTags.GPS.GPSLongitude], gps_ifd.get(ExifTags.GPS.GPSLongitudeRef), "W", 180)
    if lat is None or lon is None or (lat == 0 and lon == 0):  # 0/0 is a receiver without a fix
        return None, None
    return lat, lon


def read_exif(image: Image.Image, zone: tzinfo) -> ExifFacts:
    """Shooting date and GPS position from an image's EXIF; missing or corrupt EXIF gives None."""
    try:
        exif = image.getexif()
        taken_at = _taken_at(exif.get_ifd(ExifTags.IFD.Exif), zone)
    except Exception:  # Pillow raises many kinds of errors on damaged EXIF
        return ExifFacts()
    try:
        latitude, longitude = _position(exif.get_ifd(ExifTags.IFD.GPSInfo))
    except Exception:
        latitude = longitude = None
    return ExifFacts(taken_at, latitude, longitude)


def _open_image(data: BinaryIO) -> Image.Image:
    """Open (not decode) a raster image; one above MAX_IMAGE_PIXELS is refused."""
    try:
        image = Image.open(data, formats=_PILLOW_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # the warning when warnings are errors
        raise FileRejected(_TOO_MANY_PIXELS) from None
    if image.width * image.height > MAX_IMAGE_PIXELS:
        image.close()
        raise FileRejected(_TOO_MANY_PIXELS)
    return image


def _inspect_image(data: BinaryIO, zone: tzinfo) -> tuple[str, ExifFacts] | None:
    """The content type and EXIF facts of a raster image Pillow recognises, else None."""
    try:
        with _open_image(data) as image:
            image.verify()  # must come straight after open: a PNG refuses it once EXIF was read
        data.seek(0)
        with _open_image(data) as image:
            return IMAGE_TYPES[image.format], read_exif(image, zone)
    except FileRejected:
        raise
    except Exception:  # not an image, or a damaged one
        return None


def sniff(ext: str, data: BinaryIO, zone: tzinfo) -> tuple[str, ExifFacts]:
    """The content type of a file whose extension is allowed, checked against its content."""
    data.seek(0)
    if ext in IMAGE_EXTENSIONS:
        label, result = "изображение", _inspect_image(data, zone)
    elif ext in TEXT_TYPES:
        charset = _text_charset(data)
        label, result = "текст", (f"{TEXT_TYPES[ext]}; charset={charset}", ExifFacts()) if charset else None
    else:
        label, content_type = DOCUMENT_TYPES[ext]
        result = (content_type, ExifFacts()) if _is_document(ext, data) else None
    data.seek(0)
    if result is None:
        raise FileRejected(
            f"Содержимое файла не похоже на {label}, хотя расширение {ext}. "
            "Проверьте файл или сохраните его заново в нужном формате."
        )
    return result


def _check_extension(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    if not ext:
        raise FileRejected(f"У файла нет расширения, тип не определить. Можно: {ALLOWED_LABEL}.")
    if ext not in ALLOWED_EXTENSIONS:
        raise FileRejected(f"Тип файла {ext} не поддерживается. Можно: {ALLOWED_LABEL}.")
    return ext


def _copy_limited(stream: BinaryIO, target: BinaryIO, limit: int) -> tuple[int, str]:
    """Copy an upload to `target`, refusing it as soon as it passes `limit` bytes; size and sha256."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise FileRejected(f"Файл больше {max_upload_mb()} МБ: загрузите файл поменьше.")
        digest.update(chunk)
        target.write(chunk)
    target.seek(0)
    return size, digest.hexdigest()


# ---- use cases -----------------------------------------------------------------------------


def _add(owner, user, description: str, **values) -> Attachment:
    """Insert an attachment of `owner` and audit it on the owner."""
    attachment = Attachment(
        object_type=type(owner).__name__,
        object_id=owner.id,
        region_id=owner.region_id,
        centre_id=owner.centre_id,
        uploaded_by_id=getattr(user, "id", None),
        description=(description or "").strip(),
        **values,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record("attachment.add", owner, actor=user, after={"attachment": attachment.label})
    return attachment


def attach_file(owner, file_storage, user, description: str = "") -> Attachment:
    """Check and store an uploaded file (a Werkzeug FileStorage) as evidence on `owner`."""
    name = clean_name(file_storage.filename)
    ext = _check_extension(name)
    with tempfile.SpooledTemporaryFile(max_size=_CHUNK) as spool:
        size, sha256 = _copy_limited(file_storage.stream, spool, max_upload_mb() * 1024 * 1024)
        if size == 0:
            raise FileRejected(f"Файл «{name}» пустой: выберите файл с содержимым.")
        content_type, facts = sniff(ext, spool, ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
        key = f"{utcnow():%Y/%m}/{uuid.uuid4().hex}"
        store = storage()
        store.save(key, spool)
    try:
        return _add(
            owner,
            user,
            description,
            kind="file",
            original_name=name,
            storage_key=key,
            content_type=content_type,
            size=size,
            sha256=sha256,
            **facts._asdict(),
        )
    except Exception:
        store.delete(key)
        raise


def is_web_url(url: str | None) -> bool:
    """An absolute http(s) link with a host and no whitespace or control characters."""
    if not url or any(c.isspace() or unicodedata.category(c) == "Cc" for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)


def attach_url(owner, url: str, user, description: str = "") -> Attachment:
    """Attach an external link (a site page, a cloud folder) as evidence on `owner`."""
    url = (url or "").strip()
    if len(url) > MAX_URL_LENGTH:
        raise FileRejected(f"Ссылка длиннее {MAX_URL_LENGTH} символов: сократите её.")
    if not is_web_url(url):
        raise FileRejected("Ссылка должна начинаться с http:// или https://")
    return _add(owner, user, description, kind="url", url=url)


def remove(attachment: Attachment, user) -> None:
    """Soft-delete: hide the attachment, keep the stored file and the row for the audit trail."""
    attachment.deleted_at = utcnow()
    audit.record(
        "attachment.remove",
        owner_of(attachment),
        actor=user,
        before={"attachment": attachment.label},
        object_type=attachment.object_type,
        object_id=attachment.object_id,
    )


def list_for(owner) -> list[Attachment]:
    """Live attachments of a record, newest first."""
    stmt = (
        select(Attachment)
        .where(
            Attachment.object_type == type(owner).__name__,
            Attachment.object_id == owner.id,
            Attachment.deleted_at.is_(None),
        )
        .options(selectinload(Attachment.uploaded_by))
        .order_by(Attachment.created_at.desc(), Attachment.id.desc())
    )
    return list(db.session.scalars(stmt))


def load_owner(object_type: str, object_id: int):
    """The record an attachment belongs to, or None for an unknown type or id."""
    model = OWNER_TYPES.get(object_type)
    return db.session.get(model, object_id) if model is not None else None


def owner_of(attachment: Attachment):
    return load_owner(attachment.object_type, attachment.object_id)


def can_inline(attachment: Attachment) -> bool:
    """Browsers show these types themselves (PDF and web images)."""
    return (attachment.content_type or "").split(";")[0] in INLINE_TYPES


def open_file(attachment: Attachment) -> BinaryIO:
    """The stored content of a file attachment."""
    return storage().open(attachment.storage_key)


def thumbnail(attachment: Attachment) -> BinaryIO | None:
    """A JPEG preview (at most 320 px) of an image attachment, made once and kept in storage."""
    store, key = storage(), f"{attachment.storage_key}.thumb.jpg"
    if store.exists(key):
        return store.open(key)
    try:
        with store.open(attachment.storage_key) as source, _open_image(source) as image:
            image.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))
            preview = ImageOps.exif_transpose(image)
            preview.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            if preview.mode in ("RGBA", "LA", "P"):  # transparency becomes white, not black
                preview = Image.alpha_composite(Image.new("RGBA", preview.size, "white"), preview.convert("RGBA"))
            buffer = io.BytesIO()
            preview.convert("RGB").save(buffer, "JPEG", quality=85)
    except Exception:  # a damaged or oversized image, or a lost file: no preview rather than an error page
        return None
    buffer.seek(0)
    store.save(key, buffer)
    buffer.seek(0)
    return buffer
