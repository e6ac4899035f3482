"""The upload form of the attachments panel."""

from flask_wtf.file import FileField
from wtforms import StringField, SubmitField, URLField
from wtforms.validators import Length

from app.forms import BaseForm
from app.services.files import ALLOWED_EXTENSIONS


class UploadForm(BaseForm):
    """A file or a link, with an optional description; exactly one of the two."""

    file = FileField("Файл", render_kw={"accept": ",".join(ALLOWED_EXTENSIONS)})
    url = URLField("Или ссылка", render_kw={"placeholder": "https://"})
    description = StringField("Описание", validators=[Length(max=500, message="Описание — не длиннее 500 символов.")])
    submit = SubmitField("Прикрепить")

    def __init__(self, *args, id_prefix: str = "", **kwargs):
        """`id_prefix` keeps element ids unique when several panels share a page."""
        super().__init__(*args, **kwargs)
        if id_prefix:
            for field in self:
                field.id = field.label.field_id = f"{id_prefix}-{field.name}"

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        has_url = bool((self.url.data or "").strip())
        if bool(self.file.data) == has_url:
            self.file.errors.append(
                "Выберите файл или укажите ссылку." if not has_url else "Укажите что-то одно: файл или ссылку."
            )
            return False
        return True
