"""Uploads: checked by content, size and name; stored under server-generated names
outside the web root; served only through ``views.files.file_download``.

Every app that takes files uses ``UploadField`` in its form (errors beside the field)
and ``file_store`` in its service.
"""
import hashlib
import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import StoredFile


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    content_type: str
    extension: str


PDF = FileType("pdf", "PDF", "application/pdf", ".pdf")
JPEG = FileType("jpeg", "JPEG 图片", "image/jpeg", ".jpg")
PNG = FileType("png", "PNG 图片", "image/png", ".png")
XLSX = FileType("xlsx", "Excel（.xlsx）", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
DOCX = FileType("docx", "Word（.docx）", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")

DOCUMENTS = (PDF, JPEG, PNG, XLSX, DOCX)
IMAGES = (JPEG, PNG)
SPREADSHEETS = (XLSX,)

# Office files are zip archives: bound what we are willing to open (zip bombs).
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
FORBIDDEN_NAME_CHARS = set('/\\:*?"<>|\x00')


def _office_kind(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
                raise ValidationError("文件内部结构过大，疑似压缩炸弹，已拒收。")
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.startswith("word/") for n in names):
        return DOCX
    return None


def sniff(upload):
    """The file's real type from its first bytes (and, for zip-based Office files, its
    contents), whatever its name says. None when it is none of the known types."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload)
        upload.seek(0)
        return kind
    return None


def clean_name(name):
    """Refuse names that carry a path or control characters; keep a short display name."""
    if not name or name in {".", ".."} or ".." in name or any(c in FORBIDDEN_NAME_CHARS for c in name):
        raise ValidationError("文件名不能包含路径或特殊字符（/ \\ : * ? \" < > | ..），请重命名后上传。")
    if any(ord(c) < 32 for c in name):
        raise ValidationError("文件名包含控制字符，请重命名后上传。")
    return name[-150:]


ALSO_ACCEPTED_EXTENSIONS = {".jpeg": JPEG, ".jpe": JPEG}
BY_CONTENT_TYPE = {t.content_type: t for t in DOCUMENTS}


def safe_name(name, kind):
    """The name a file is kept and downloaded under: the citizen's or user's stem with
    the extension of the type detected from its content (issue 14 finding 5: a
    ``证据材料.cmd`` that is a PDF downloads as ``证据材料.pdf``; ``.html`` and ``.svg`` names
    likewise never survive)."""
    path = Path(name or "")
    suffix = path.suffix.lower()
    if kind is None:
        return path.name
    if suffix == kind.extension or ALSO_ACCEPTED_EXTENSIONS.get(suffix) == kind:
        return path.name
    stem = (path.stem if suffix and len(suffix) <= 10 else path.name) or "文件"
    return f"{stem[:140]}{kind.extension}"


def download_name(stored):
    """``safe_name`` for a stored file, from its recorded (content-detected) type; also
    right for files stored before names were corrected."""
    return safe_name(stored.original_name, BY_CONTENT_TYPE.get(stored.content_type))


def check_upload(upload, allowed=DOCUMENTS, max_bytes=None):
    """Validate an upload; returns its FileType. Raises ValidationError in Chinese."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    clean_name(upload.name)
    if upload.size == 0:
        raise ValidationError("文件为空。")
    if upload.size > max_bytes:
        raise ValidationError(f"文件过大：{upload.size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB。")
    kind = sniff(upload)
    allowed_labels = "、".join(t.label for t in allowed)
    if kind is None or kind not in allowed:
        raise ValidationError(f"文件类型不符：只接受 {allowed_labels}（按文件实际内容判断，而非扩展名）。")
    return kind


def accept_attr(allowed):
    """The file input's ``accept`` attribute for ``allowed`` types: extensions first, then
    MIME types (issue 15: the phone's picker offered every file)."""
    extensions = []
    for t in allowed:
        extensions.append(t.extension)
        extensions += [ext for ext, kind in ALSO_ACCEPTED_EXTENSIONS.items() if kind == t and ext != ".jpe"]
    types = [t.content_type for t in allowed]
    return ",".join(dict.fromkeys(extensions + types))


class UploadField(forms.FileField):
    """A file field that checks content, size and name at form validation time."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": accept_attr(self.allowed)}

    def __init__(self, *args, allowed=DOCUMENTS, **kwargs):
        self.allowed = allowed
        kwargs.setdefault("help_text", "接受 " + "、".join(t.label for t in allowed) + f"，单个文件不超过 {settings.UPLOAD_MAX_BYTES // 1048576} MB。")
        kwargs.setdefault("error_messages", {"required": "请选择文件。", "invalid": "上传失败，请重新选择文件。"})
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        data = super().clean(data, initial)
        if data:
            check_upload(data, self.allowed)
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiUploadField(UploadField):
    """Several files in one input (photos from a phone, a contractor's materials); each
    is checked by content, and one bad file refuses the whole batch with its name in the
    message (issue 15). Django's documented pattern: a ``ClearableFileInput`` with
    ``allow_multiple_selected = True`` and a field that cleans each file."""

    def __init__(self, *args, max_files=20, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"])
        if len(files) > self.max_files:
            raise ValidationError(f"一次最多上传 {self.max_files} 个文件。")
        cleaned, errors = [], []
        for f in files:
            try:
                forms.FileField.clean(self, f, initial)
                check_upload(f, self.allowed)
            except ValidationError as error:
                # Issue 15: one bad file refuses the whole batch, and the message says which.
                name = getattr(f, "name", "") or "（未命名）"
                errors += [ValidationError(f"“{name}”：{m}") for m in error.messages]
            cleaned.append(f)
        if errors:
            raise ValidationError(errors + [ValidationError("本次选择的文件均未上传，请替换上述文件后重新选择全部文件。")])
        return cleaned


def file_store(*, upload, county, by, etown=None, access=StoredFile.Access.ETOWN, purpose="", allowed=DOCUMENTS):
    """Check and store one upload; returns the StoredFile. Call inside the caller's
    transaction; the bytes are written first, so a rolled-back row leaves at most an
    orphan file, never a row without bytes."""
    kind = check_upload(upload, allowed)
    now = timezone.now()
    relative = Path(f"{now:%Y}") / f"{now:%m}" / f"{uuid.uuid4().hex}{kind.extension}"
    digest = hashlib.sha256()
    upload.seek(0)
    storage = _storage()
    if _is_local(storage):
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
    else:  # object storage shared by every web and worker node (issue 16)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        storage.save(relative.as_posix(), upload)
    stored = StoredFile.objects.create(
        etown=etown,
        county=county,
        access=access,
        original_name=safe_name(clean_name(Path(upload.name).name), kind),
        path=str(relative),
        content_type=kind.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
        purpose=purpose,
    )
    if kind in IMAGES:
        thumbnail_make(stored)
    return stored


# Thumbnails (issue 15) ----------------------------------------------------------------
# A photo's thumbnail is a small JPEG kept beside the original (same generated name plus
# ``.thumb.jpg``), so it needs no row of its own: it is served by ``file_download`` with
# ``?thumb=1`` after the same permission check as the original.

THUMBNAIL_SIZE = (480, 480)
THUMBNAIL_SUFFIX = ".thumb.jpg"
MAX_THUMBNAIL_SOURCE_PIXELS = 60_000_000  # a decompression bomb is refused, not decoded


def thumbnail_relpath(stored):
    return f"{stored.path}{THUMBNAIL_SUFFIX}"


def thumbnail_path(stored):
    """The local path of the thumbnail (the embedded default, MEDIA_ROOT)."""
    return Path(settings.MEDIA_ROOT) / thumbnail_relpath(stored)


def thumbnail_name(stored):
    """The download name of a thumbnail: the original's stem + ``_缩略图.jpg``."""
    return f"{Path(download_name(stored)).stem[:140]}_缩略图.jpg"


def thumbnail_exists(stored):
    storage = _storage()
    relative = thumbnail_relpath(stored)
    return thumbnail_path(stored).exists() if _is_local(storage) else storage.exists(relative)


def thumbnail_make(stored):
    """Make (or remake) the thumbnail of a stored photo with Pillow; False when the file
    is not a photo or cannot be decoded (the page then links the original by name)."""
    if not stored.is_image:
        return False
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with file_open(stored) as source, Image.open(source) as image:
            if image.width * image.height > MAX_THUMBNAIL_SOURCE_PIXELS:
                return False
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode != "RGB":
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80, optimize=True)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        return False
    storage = _storage()
    if _is_local(storage):
        target = thumbnail_path(stored)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(out.getvalue())
    else:
        from django.core.files.base import ContentFile

        if storage.exists(thumbnail_relpath(stored)):
            storage.delete(thumbnail_relpath(stored))
        storage.save(thumbnail_relpath(stored), ContentFile(out.getvalue()))
    return True


def thumbnail_open(stored):
    """The thumbnail's bytes, opened for reading; made first when missing (photos stored
    before thumbnails existed). None when the file has no thumbnail."""
    if not stored.is_image:
        return None
    if not thumbnail_exists(stored) and not thumbnail_make(stored):
        return None
    storage = _storage()
    return open(thumbnail_path(stored), "rb") if _is_local(storage) else storage.open(thumbnail_relpath(stored), "rb")


def file_path(stored):
    """The local path of a stored file (the embedded default, MEDIA_ROOT)."""
    return Path(settings.MEDIA_ROOT) / stored.path


def _storage():
    """``STORAGES["default"]``: the local folder MEDIA_ROOT, or S3-compatible object
    storage when ``S3_BUCKET`` is configured (etown/settings.py, issue 16)."""
    from django.core.files.storage import storages

    return storages["default"]


def _is_local(storage):
    from django.core.files.storage import FileSystemStorage

    return isinstance(storage, FileSystemStorage)


def file_exists(stored):
    storage = _storage()
    return file_path(stored).exists() if _is_local(storage) else storage.exists(stored.path)


def file_open(stored):
    """The stored bytes, opened for reading, wherever they are kept."""
    storage = _storage()
    return open(file_path(stored), "rb") if _is_local(storage) else storage.open(stored.path, "rb")
