"""Attachments through the Flask client: upload, download, limits, previews, EXIF, access, delete."""

import io
import re
import zipfile
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from app.extensions import db
from app.models.audit import AuditEvent
from app.models.files import Attachment
from app.services import files

PROTOCOL = "Протокол №1 от 5 марта.pdf"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTMX = {"HX-Request": "true"}


def storage_dir(app) -> Path:
    return Path(app.config["FILE_STORAGE_DIR"])


def stored_files(app) -> set[Path]:
    return {p for p in storage_dir(app).rglob("*") if p.is_file()}


def attachment_count() -> int:
    return db.session.scalar(select(func.count(Attachment.id)))


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:03:05 14:05:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (56.0, 19.0, 36.84)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (44.0, 0.0, 21.24)
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), "seagreen").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def huge_png(side: int = 9000) -> bytes:
    """A PNG a few kilobytes long that declares side × side pixels."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    return buffer.getvalue()


@cache
def docx_bomb() -> bytes:
    """A valid-looking .docx of about 200 KB that unpacks to just over MAX_ZIP_UNPACKED."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(files.MAX_ZIP_UNPACKED // 2**20 + 1):
                member.write(bytes(2**20))
    return buffer.getvalue()


@pytest.fixture
def centre(make):
    return make.centre(name="ЦЗН Нижегородского района")


@pytest.fixture
def director(make, login, centre):
    user = make.user(("director", centre), centre=centre, full_name="Петрова Анна Сергеевна")
    login(user)
    return user


def panel_url(centre) -> str:
    return f"/files/panel/Centre/{centre.id}"


def upload(client, centre, name=None, content=b"", headers=None, **fields):
    """A multipart POST; the body is built in memory (the test client leaves large temp files open)."""
    data = dict(fields)
    if name is not None:
        data["file"] = FileStorage(io.BytesIO(content), filename=name)
    body, length, boundary = stream_encode_multipart(data, use_tempfile=False)
    return client.post(
        f"/files/upload/Centre/{centre.id}",
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers or {},
    )


def only_attachment() -> Attachment:
    db.session.expire_all()
    return db.session.scalars(select(Attachment)).one()


def test_cyrillic_name_survives_upload_and_download(app, client, director, centre):
    response = upload(
        client,
        centre,
        PROTOCOL,
        PDF,
        description="Протокол заседания рабочей группы",
        headers={"Referer": f"http://localhost/admin/centres/{centre.id}"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/centres/{centre.id}"

    attachment = only_attachment()
    assert attachment.original_name == PROTOCOL
    assert (attachment.kind, attachment.size, attachment.content_type) == ("file", len(PDF), "application/pdf")
    assert attachment.centre_id == centre.id and attachment.region_id == centre.region_id
    assert attachment.uploaded_by_id == director.id
    assert re.fullmatch(r"\d{4}/\d{2}/[0-9a-f]{32}", attachment.storage_key)
    assert (storage_dir(app) / attachment.storage_key).read_bytes() == PDF

    download = client.get(f"/files/{attachment.id}/download", buffered=True)
    assert download.status_code == 200
    assert download.data == PDF
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(PROTOCOL)}" in disposition
    assert "filename*=UTF-8''%D0%9F" in disposition
    assert all(value.isascii() for _, value in download.headers.items())  # no raw Cyrillic in headers

    inline = client.get(f"/files/{attachment.id}/download?inline=1", buffered=True)
    assert inline.headers["Content-Disposition"].startswith("inline;") and inline.data == PDF
    assert "object-src 'self'" in inline.headers["Content-Security-Policy"]  # Chromium's PDF viewer
    assert inline.headers["X-Content-Type-Options"] == "nosniff"

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attachment.add")).one()
    assert (event.object_type, event.object_id, event.actor_id) == ("Centre", centre.id, director.id)
    assert event.after == {"attachment": PROTOCOL}

    page = client.get(panel_url(centre)).get_data(as_text=True)
    assert PROTOCOL in page and "Протокол заседания рабочей группы" in page and "Петрова А. С." in page
    assert f"Вложение «{PROTOCOL}» добавлено." in page


def test_upload_under_htmx_returns_the_panel(client, director, centre):
    response = upload(client, centre, "Справка.txt", "Текст справки".encode(), headers=HTMX)
    assert response.status_code == 303
    assert response.headers["Location"] == panel_url(centre)

    panel = client.get(panel_url(centre), headers=HTMX).get_data(as_text=True)
    assert "<html" not in panel and 'id="attachments-Centre-' in panel
    assert "Справка.txt" in panel and "Вложение «Справка.txt» добавлено." in panel

    text = client.get(f"/files/{only_attachment().id}/download?inline=1", buffered=True)
    assert text.headers["Content-Disposition"].startswith("attachment;")  # only images and PDF inline
    assert text.headers["Content-Type"].startswith("text/plain")


def test_foreign_referrer_is_not_followed(client, director, centre):
    response = upload(client, centre, PROTOCOL, PDF, headers={"Referer": "https://evil.example/phish"})
    assert response.headers["Location"] == panel_url(centre)


def test_panel_is_a_page_and_a_partial(client, director, centre):
    page = client.get(panel_url(centre))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<!doctype html>" in html and "Вложений пока нет." in html and centre.name in html
    assert 'enctype="multipart/form-data"' in html
    assert f'aria-describedby="att-Centre-{centre.id}-file-hint"' in html
    assert f'for="att-Centre-{centre.id}-file">Файл</label>' in html
    assert "До 20 МБ." in html

    partial = client.get(panel_url(centre), headers=HTMX).get_data(as_text=True)
    assert "<!doctype html>" not in partial and "Вложений пока нет." in partial

    boosted = client.get(panel_url(centre), headers={**HTMX, "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<!doctype html>" in boosted
    restore = {**HTMX, "HX-History-Restore-Request": "true"}
    assert "<!doctype html>" in client.get(panel_url(centre), headers=restore).get_data(as_text=True)


def test_boosted_upload_returns_to_the_page_like_a_plain_one(client, director, centre):
    page = f"http://localhost/admin/centres/{centre.id}"
    boosted = {**HTMX, "HX-Boosted": "true", "Referer": page}
    response = upload(client, centre, PROTOCOL, PDF, headers=boosted)
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/centres/{centre.id}"
    refused = upload(client, centre, "setup.exe", b"MZ", headers=boosted)  # errors are flashed, not a bare panel
    assert refused.status_code == 303 and refused.headers["Location"] == f"/admin/centres/{centre.id}"


def test_centre_page_loads_the_panel(client, director, centre):
    html = client.get(f"/admin/centres/{centre.id}").get_data(as_text=True)
    assert f'hx-get="{panel_url(centre)}" hx-trigger="load"' in html
    assert f'<a href="{panel_url(centre)}">Вложения</a>' in html


@pytest.mark.parametrize("app", [{"MAX_UPLOAD_MB": 1}], indirect=True)
def test_oversize_file_is_refused(app, client, director, centre):
    before = stored_files(app)
    big = PDF + b"0" * (1024 * 1024)
    response = upload(client, centre, PROTOCOL, big, headers=HTMX)
    assert response.status_code == 200
    assert "Файл больше 1 МБ: загрузите файл поменьше." in response.get_data(as_text=True)
    assert "До 1 МБ." in response.get_data(as_text=True)

    plain = upload(client, centre, PROTOCOL, big)
    assert plain.status_code == 303
    assert "Файл больше 1 МБ: загрузите файл поменьше." in client.get(plain.headers["Location"]).get_data(as_text=True)

    assert attachment_count() == 0 and stored_files(app) == before
    assert upload(client, centre, PROTOCOL, PDF + b"0" * 1000).status_code == 303  # under the limit
    assert attachment_count() == 1


@pytest.mark.parametrize("app", [{"MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 2 * 1024 * 1024}], indirect=True)
def test_request_above_the_hard_limit_is_refused(app, client, director, centre):
    before = stored_files(app)
    response = upload(client, centre, PROTOCOL, PDF + b"0" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "размер не должен превышать 1 МБ." in response.get_data(as_text=True)
    assert attachment_count() == 0 and stored_files(app) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03", "Тип файла .exe не поддерживается. Можно: PDF, Word, Excel"),
        ("Отчёт.pdf", b"MZ\x90\x00\x03 this is a program", "Содержимое файла не похоже на PDF, хотя расширение .pdf."),
        ("README", b"text", "У файла нет расширения"),
        ("Пустой.pdf", b"", "Файл «Пустой.pdf» пустой: выберите файл с содержимым."),
    ],
)
def test_bad_files_are_refused(app, client, director, centre, name, content, message):
    before = stored_files(app)
    response = upload(client, centre, name, content, headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert attachment_count() == 0 and stored_files(app) == before


def test_link_opens_directly_and_never_through_cxm(client, director, centre):
    url = "https://trudvsem.ru/отчёт?id=1&tab=2"
    response = upload(client, centre, url=url, description="Карточка на портале", headers=HTMX)
    assert response.status_code == 303
    attachment = only_attachment()
    assert (attachment.kind, attachment.url, attachment.storage_key) == ("url", url, None)

    link = (
        '<a href="https://trudvsem.ru/отчёт?id=1&amp;tab=2" target="_blank" rel="noopener noreferrer" '
        'class="text-break">https://trudvsem.ru/отчёт?id=1&amp;tab=2'
        '<span class="visually-hidden"> (откроется в новой вкладке)</span></a>'
    )
    for headers in (HTMX, {}):  # the partial and the whole page
        panel = client.get(panel_url(centre), headers=headers).get_data(as_text=True)
        assert link in panel and "Карточка на портале" in panel
        assert f"/files/{attachment.id}/download" not in panel
    # No redirect through cxm: an open redirect that would also leak the referring page.
    assert client.get(f"/files/{attachment.id}/download", buffered=True).status_code == 404
    assert client.get(f"/files/{attachment.id}/preview", buffered=True).status_code == 404


def test_stored_link_that_is_not_web_is_shown_as_text(client, director, centre):
    db.session.add(
        Attachment(
            object_type="Centre",
            object_id=centre.id,
            region_id=centre.region_id,
            centre_id=centre.id,
            kind="url",
            url="javascript:alert(1)",
        )
    )
    db.session.commit()
    panel = client.get(panel_url(centre), headers=HTMX).get_data(as_text=True)
    assert '<span class="text-break">javascript:alert(1)</span>' in panel
    assert 'href="javascript' not in panel


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "javascript:alert(1)"}, "Ссылка должна начинаться с http:// или https://"),
        ({"url": "ftp://files.example.org/report.pdf"}, "Ссылка должна начинаться с http:// или https://"),
        ({"url": "trudvsem.ru"}, "Ссылка должна начинаться с http:// или https://"),
        ({"url": "https://example.org/" + "a" * 2000}, "Ссылка длиннее 2000 символов"),
        ({"description": "без файла"}, "Выберите файл или укажите ссылку."),
        ({"url": "https://example.org", "name": "a.pdf", "content": PDF}, "Укажите что-то одно: файл или ссылку."),
        ({"url": "https://example.org", "description": "д" * 501}, "Описание — не длиннее 500 символов."),
    ],
)
def test_bad_links_and_forms_are_refused(client, director, centre, fields, message):
    response = upload(client, centre, headers=HTMX, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert attachment_count() == 0


def test_photo_gets_a_preview_and_exif_facts(app, client, director, centre):
    upload(client, centre, "Фото входа.jpg", jpeg_with_exif(), headers=HTMX)
    attachment = only_attachment()
    assert attachment.content_type == "image/jpeg"
    assert attachment.taken_at == datetime(2026, 3, 5, 11, 5)  # 14:05 Moscow time, kept in UTC
    assert round(attachment.latitude, 4) == 56.3269 and round(attachment.longitude, 4) == 44.0059

    panel = client.get(panel_url(centre), headers=HTMX).get_data(as_text=True)
    assert "Снято 5 марта 2026, 14:05 · 56,3269° с. ш., 44,0059° в. д." in panel
    assert 'alt="Предпросмотр: Фото входа.jpg"' in panel

    preview = client.get(f"/files/{attachment.id}/preview", buffered=True)
    assert preview.status_code == 200 and preview.mimetype == "image/jpeg"
    assert "private" in preview.headers["Cache-Control"]
    with Image.open(io.BytesIO(preview.data)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 320
    cached = storage_dir(app) / f"{attachment.storage_key}.thumb.jpg"
    assert cached.read_bytes() == preview.data
    assert client.get(f"/files/{attachment.id}/preview", buffered=True).data == preview.data

    inline = client.get(f"/files/{attachment.id}/download?inline=1", buffered=True)
    assert inline.headers["Content-Disposition"].startswith("inline;")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("План зала.png", huge_png(9000), "Изображение больше 40 мегапикселей: уменьшите его и загрузите снова."),
        ("План зала.png", huge_png(15000), "Изображение больше 40 мегапикселей"),  # Pillow's own bomb error
        ("Отчёт.docx", None, "Документ слишком велик в распакованном виде (больше 200 МБ или больше 10 000 частей"),
    ],
    ids=["81-megapixels", "225-megapixels", "docx-zip-bomb"],
)
def test_bombs_are_refused_with_a_message(app, client, director, centre, name, content, message):
    before = stored_files(app)
    response = upload(client, centre, name, content or docx_bomb(), headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert attachment_count() == 0 and stored_files(app) == before


def test_no_preview_for_an_oversized_image_stored_earlier(app, client, director, centre):
    key = "2025/01/" + "0" * 32
    files.storage().save(key, io.BytesIO(huge_png(9000)))
    attachment = Attachment(
        object_type="Centre",
        object_id=centre.id,
        region_id=centre.region_id,
        centre_id=centre.id,
        kind="file",
        original_name="Старый план.png",
        storage_key=key,
        content_type="image/png",
    )
    db.session.add(attachment)
    db.session.commit()
    assert client.get(f"/files/{attachment.id}/preview", buffered=True).status_code == 404
    assert not (storage_dir(app) / f"{key}.thumb.jpg").exists()


def test_transparent_png_gets_a_preview_on_white(client, director, centre):
    image = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (0, 0, 200, 200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert upload(client, centre, "Схема.png", buffer.getvalue(), headers=HTMX).status_code == 303
    attachment = only_attachment()
    assert attachment.content_type == "image/png"
    preview = client.get(f"/files/{attachment.id}/preview", buffered=True)
    assert preview.status_code == 200
    with Image.open(io.BytesIO(preview.data)) as thumb:
        assert thumb.size == (320, 160)
        assert all(abs(a - b) < 8 for a, b in zip(thumb.getpixel((300, 80)), (255, 255, 255), strict=True))
        assert thumb.getpixel((20, 80))[0] > 180


def test_preview_is_only_for_images(client, director, centre):
    upload(client, centre, PROTOCOL, PDF)
    assert client.get(f"/files/{only_attachment().id}/preview", buffered=True).status_code == 404


def test_another_centre_sees_nothing(app, client, make, login, centre):
    owner = make.user(("director", centre), centre=centre)
    login(owner)
    upload(client, centre, "Фото.jpg", jpeg_with_exif())
    attachment = only_attachment()
    client.post("/logout")

    other = make.centre(region=centre.region)
    login(make.user(("director", other), centre=other))
    before = stored_files(app)
    assert client.get(panel_url(centre)).status_code == 404
    assert client.get(panel_url(centre), headers=HTMX).status_code == 404
    assert client.get(f"/files/{attachment.id}/download", buffered=True).status_code == 404
    assert client.get(f"/files/{attachment.id}/preview", buffered=True).status_code == 404
    assert upload(client, centre, PROTOCOL, PDF).status_code == 404
    assert client.post(f"/files/{attachment.id}/delete").status_code == 404
    assert attachment_count() == 1 and only_attachment().deleted_at is None
    assert stored_files(app) == before


@pytest.mark.parametrize("path", ["/files/panel/User/1", "/files/panel/AuditEvent/1", "/files/panel/Centre/999999"])
def test_unknown_owner_is_not_found(client, director, path):
    assert client.get(path).status_code == 404
    assert client.post(path.replace("/panel/", "/upload/"), data={"url": "https://example.org"}).status_code == 404
    assert attachment_count() == 0


def test_employee_views_but_cannot_change(client, make, login, centre):
    login(make.user(("director", centre), centre=centre))
    upload(client, centre, PROTOCOL, PDF)
    attachment = only_attachment()
    client.post("/logout")

    login(make.user(("employee", centre), centre=centre))
    panel = client.get(panel_url(centre), headers=HTMX).get_data(as_text=True)
    assert PROTOCOL in panel
    assert "Добавить вложение" not in panel and "hx-confirm" not in panel
    assert client.get(f"/files/{attachment.id}/download", buffered=True).data == PDF
    assert upload(client, centre, "Ещё.pdf", PDF).status_code == 403
    assert client.post(f"/files/{attachment.id}/delete").status_code == 403
    assert attachment_count() == 1 and only_attachment().deleted_at is None


def test_delete_is_soft_and_audited(app, client, director, centre):
    upload(client, centre, "Фото.jpg", jpeg_with_exif())
    attachment = only_attachment()
    stored = storage_dir(app) / attachment.storage_key

    panel = client.get(panel_url(centre), headers=HTMX).get_data(as_text=True)
    assert 'hx-confirm="Удалить вложение «Фото.jpg»?"' in panel

    response = client.post(f"/files/{attachment.id}/delete", headers=HTMX)
    assert response.status_code == 303 and response.headers["Location"] == panel_url(centre)

    panel = client.get(panel_url(centre), headers=HTMX).get_data(as_text=True)
    assert "Вложений пока нет." in panel and "Вложение «Фото.jpg» удалено." in panel

    attachment = only_attachment()
    assert attachment.deleted_at is not None and stored.is_file()
    assert client.get(f"/files/{attachment.id}/download", buffered=True).status_code == 404
    assert client.get(f"/files/{attachment.id}/preview", buffered=True).status_code == 404
    assert client.post(f"/files/{attachment.id}/delete").status_code == 404

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attachment.remove")).one()
    assert (event.object_type, event.object_id, event.actor_id) == ("Centre", centre.id, director.id)
    assert event.before == {"attachment": "Фото.jpg"}
    history = client.get(f"/admin/centres/{centre.id}").get_data(as_text=True)
    assert "attachment.remove" in history


def test_plain_delete_returns_to_the_page(client, director, centre):
    upload(client, centre, PROTOCOL, PDF)
    page = f"http://localhost/admin/centres/{centre.id}"
    response = client.post(f"/files/{only_attachment().id}/delete", headers={"Referer": page})
    assert response.status_code == 303 and response.headers["Location"] == f"/admin/centres/{centre.id}"
    assert f"Вложение «{PROTOCOL}» удалено." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_signed_out_user_is_sent_to_login(client, make, centre):
    db.session.commit()
    response = client.get(panel_url(centre))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(panel_url(centre), headers=HTMX).headers["HX-Redirect"].startswith("/login")
