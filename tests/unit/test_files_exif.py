"""Pure parts of the files service: EXIF facts, content sniffing, names and Russian labels."""

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

from app.services.files import (
    MAX_IMAGE_PIXELS,
    MAX_ZIP_ENTRIES,
    MAX_ZIP_UNPACKED,
    ExifFacts,
    FileRejected,
    clean_name,
    coordinates_label,
    read_exif,
    size_label,
    sniff,
)

MOSCOW = ZoneInfo("Europe/Moscow")


def photo(fmt="JPEG", date=None, offset=None, lat=None, lon=None, lat_ref="N", lon_ref="E") -> io.BytesIO:
    """A small image with the given EXIF shooting date and GPS position."""
    exif = Image.Exif()
    if date:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = date
    if offset:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.OffsetTimeOriginal] = offset
    if lat is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = lat_ref
        gps[ExifTags.GPS.GPSLatitude] = lat
        gps[ExifTags.GPS.GPSLongitudeRef] = lon_ref
        gps[ExifTags.GPS.GPSLongitude] = lon
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, fmt, exif=exif)
    buffer.seek(0)
    return buffer


def facts_of(buffer) -> ExifFacts:
    with Image.open(buffer) as image:
        return read_exif(image, MOSCOW)


NIZHNY = ((56, 19, 36.84), (44, 0, 21.24))  # 56,3269° с. ш., 44,0059° в. д.


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_date_and_position_are_read(fmt):
    facts = facts_of(photo(fmt, "2026:03:05 14:05:00", lat=NIZHNY[0], lon=NIZHNY[1]))
    assert facts.taken_at == datetime(2026, 3, 5, 11, 5)  # Moscow camera clock, stored as UTC
    assert facts.latitude == pytest.approx(56.3269, abs=1e-6)
    assert facts.longitude == pytest.approx(44.0059, abs=1e-6)


def test_southern_and_western_references_give_negative_degrees():
    facts = facts_of(photo(lat=(33, 52, 4.0), lon=(151, 12, 36.0), lat_ref="S", lon_ref="W"))
    assert facts.latitude == pytest.approx(-33.867778, abs=1e-6)
    assert facts.longitude == pytest.approx(-151.21, abs=1e-6)
    assert facts.taken_at is None


def test_offset_time_is_honoured():
    facts = facts_of(photo(date="2026:03:05 14:05:00", offset="+07:00"))
    assert facts.taken_at == datetime(2026, 3, 5, 7, 5)


def test_rational_values_are_converted():
    facts = facts_of(
        photo(
            lat=(IFDRational(56), IFDRational(19), IFDRational(3684, 100)),
            lon=(IFDRational(44), IFDRational(0), IFDRational(2124, 100)),
        )
    )
    assert (round(facts.latitude, 4), round(facts.longitude, 4)) == (56.3269, 44.0059)


def test_no_exif_gives_nothing():
    assert facts_of(photo("PNG")) == ExifFacts()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"date": "0000:00:00 00:00:00"},
        {"date": "    :  :     :  :  "},
        {"lat": (IFDRational(56, 0), 0, 0), "lon": (44, 0, 0)},  # zero denominator
        {"lat": (95, 0, 0), "lon": (44, 0, 0)},  # beyond the pole
        {"lat": (0, 0, 0), "lon": (0, 0, 0)},  # a receiver without a fix
    ],
)
def test_corrupt_or_implausible_exif_is_ignored(kwargs):
    assert facts_of(photo(**kwargs)) == ExifFacts()


def test_damaged_exif_block_is_tolerated():
    buffer = photo(date="2026:03:05 14:05:00")
    data = bytearray(buffer.getvalue())
    start = data.index(b"Exif\x00\x00") + 6
    data[start : start + 8] = b"\xff" * 8  # broken TIFF header inside APP1
    assert facts_of(io.BytesIO(bytes(data))) == ExifFacts()


def test_coordinates_and_sizes_in_russian():
    assert coordinates_label(56.3269, 44.0059) == "56,3269° с. ш., 44,0059° в. д."
    assert coordinates_label(-33.8678, -151.21) == "33,8678° ю. ш., 151,2100° з. д."
    assert coordinates_label(None, None) == ""
    assert size_label(512) == "512 Б"
    assert size_label(340 * 1024) == "340 КБ"
    assert size_label(int(1.2 * 1024 * 1024)) == "1,2 МБ"


def test_names_keep_cyrillic_and_lose_paths_and_control_characters():
    assert clean_name("Протокол №1 от 5 марта.pdf") == "Протокол №1 от 5 марта.pdf"
    assert clean_name("C:\\Users\\Иван\\отчёт.docx") == "отчёт.docx"
    assert clean_name("../../etc/пароль\x00\x1b.txt") == "пароль.txt"
    assert clean_name("счёт\u202egpj.exe") == "счётgpj.exe"
    assert clean_name("Отчёт.pdf") == clean_name("Отче\u0308т.pdf")  # macOS sends decomposed ё


def _zip(**members) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name.replace("__", "/"), text)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    ("ext", "data", "content_type"),
    [
        (".pdf", b"%PDF-1.7\n%\xe2\xe3\n", "application/pdf"),
        (".doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "application/msword"),
        (
            ".docx",
            _zip(**{"[Content_Types].xml": "<x/>", "word__document.xml": "<w/>"}).getvalue(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            ".ods",
            _zip(mimetype="application/vnd.oasis.opendocument.spreadsheet").getvalue(),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (".txt", "Привет".encode(), "text/plain; charset=utf-8"),
        (".csv", "ФИО;Центр".encode("cp1251"), "text/csv; charset=windows-1251"),
        (".jpg", photo().getvalue(), "image/jpeg"),
    ],
)
def test_content_matching_the_extension_is_accepted(ext, data, content_type):
    assert sniff(ext, io.BytesIO(data), MOSCOW)[0] == content_type


@pytest.mark.parametrize(
    ("ext", "data"),
    [
        (".pdf", b"MZ\x90\x00 not a pdf"),
        (".docx", _zip(**{"[Content_Types].xml": "<x/>", "xl__workbook.xml": "<w/>"}).getvalue()),
        (".xlsx", b"PK\x03\x04 broken zip"),
        (".xls", b"%PDF-1.4"),
        (".txt", b"MZ\x00\x00\x00binary"),
        (".png", b"\x89PNG\r\n\x1a\n truncated"),
    ],
)
def test_content_not_matching_the_extension_is_refused(ext, data):
    with pytest.raises(FileRejected, match="Содержимое файла не похоже"):
        sniff(ext, io.BytesIO(data), MOSCOW)


@pytest.mark.parametrize(
    ("fmt", "ext", "content_type"),
    [
        ("PNG", ".png", "image/png"),
        ("GIF", ".gif", "image/gif"),
        ("WEBP", ".webp", "image/webp"),
        ("TIFF", ".tif", "image/tiff"),
        ("MPO", ".jpg", "image/jpeg"),
    ],
)
def test_every_allowed_image_format_is_accepted(fmt, ext, content_type):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, fmt, save_all=True, append_images=[Image.new("RGB", (40, 30))])
    assert sniff(ext, buffer, MOSCOW)[0] == content_type


def _png(width: int, height: int) -> io.BytesIO:
    """A PNG of a few kilobytes declaring width × height pixels."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer


def test_image_at_the_pixel_limit_is_accepted():
    assert MAX_IMAGE_PIXELS == 8000 * 5000
    assert sniff(".png", _png(8000, 5000), MOSCOW)[0] == "image/png"


@pytest.mark.parametrize(
    ("width", "height"),
    [(8000, 5001), (10_000, 10_000), (15_000, 15_000)],
    ids=["just-over-our-limit", "pillow-warning", "pillow-error"],
)
def test_image_over_the_pixel_limit_is_refused(width, height):
    """Pillow warns above ~89 Mpx (an error under pytest) and raises above ~179 Mpx: both give our message."""
    with pytest.raises(FileRejected, match="^Изображение больше 40 мегапикселей: уменьшите его и загрузите снова.$"):
        sniff(".png", _png(width, height), MOSCOW)


def test_over_the_limit_is_refused_when_pillow_only_warns():
    """Outside pytest the DecompressionBombWarning is only a warning: our own check refuses the image."""
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(FileRejected, match="больше 40 мегапикселей"):
        sniff(".png", _png(10_000, 10_000), MOSCOW)


def _big_zip(*members: str) -> io.BytesIO:
    """A small zip whose last member unpacks to just over MAX_ZIP_UNPACKED."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in members[:-1]:
            archive.writestr(name, "application/vnd.oasis.opendocument.spreadsheet" if name == "mimetype" else "<x/>")
        with archive.open(members[-1], "w", force_zip64=True) as member:
            for _ in range(MAX_ZIP_UNPACKED // 2**20 + 1):
                member.write(bytes(2**20))
    buffer.seek(0)
    return buffer


def _many_entries(count: int) -> io.BytesIO:
    return _zip(**{"[Content_Types].xml": "<x/>", **{f"word__part{i}.xml": "" for i in range(count - 1)}})


ZIP_BOMB = r"^Документ слишком велик в распакованном виде \(больше 200 МБ или больше 10 000 частей внутри\)"


@pytest.mark.parametrize(
    ("ext", "data"),
    [
        (".docx", lambda: _big_zip("[Content_Types].xml", "word/document.xml")),
        (".ods", lambda: _big_zip("mimetype", "content.xml")),
        (".xlsx", lambda: _many_entries(MAX_ZIP_ENTRIES + 1)),
    ],
    ids=["docx-unpacks-over-200-mb", "ods-unpacks-over-200-mb", "xlsx-too-many-entries"],
)
def test_zip_bombs_are_refused(ext, data):
    archive = data()
    assert len(archive.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(FileRejected, match=ZIP_BOMB):
        sniff(ext, archive, MOSCOW)


def test_office_file_at_the_entry_limit_is_accepted():
    assert MAX_ZIP_ENTRIES == 10_000
    assert sniff(".docx", _many_entries(MAX_ZIP_ENTRIES), MOSCOW)[0].endswith("wordprocessingml.document")
