"""A form field for uploads: the size limit and the allowed types, checked by content, with errors naming the file;
and a chosen file kept across a refused post, so it is never silently lost."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from . import storage
from .checks import (
    ACCEPT,
    ALLOWED_DESCRIPTION,
    check_upload,
    clean_name,
    describe_size,
    size_limit,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """One file (or, with `multiple=True`, a list of files) of an allowed type within the size limit."""

    def __init__(self, *, multiple: bool = False, cp1252: bool = False, **kwargs: Any):
        """`cp1252`: Windows-1252 text counts as CSV, for a field whose reader decodes it."""
        self.multiple = multiple
        self.cp1252 = cp1252
        widget_class = MultipleFileInput if multiple else forms.ClearableFileInput
        kwargs.setdefault("widget", widget_class(attrs={"accept": ACCEPT}))
        kwargs.setdefault(
            "help_text",
            f"{ALLOWED_DESCRIPTION}, up to {describe_size(size_limit())}"
            + (" each." if multiple else "."),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if not self.multiple:
            upload = super().clean(data, initial)
            if upload:
                check_upload(upload, cp1252=self.cp1252)
            return upload
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        errors: list[ValidationError] = []
        for upload in uploads:
            try:
                super().clean(upload, initial)
                check_upload(upload, cp1252=self.cp1252)
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
        return uploads


# ---------------------------------------------------------------------------------------------
# Keeping a chosen file when another field fails.
#
# A browser never sends a file input's choice again: when a form with a file field is shown
# again because some other field failed, the person would have to find and choose the file once
# more, and if they miss that the file is silently lost. So a file that passed its own checks is
# kept in storage, and the form carries a signed token naming it in a hidden field
# (`<field>__kept`) with "You chose ... Choose another file to replace it." beside the input. A
# post with no new file and that token gets the kept file back, checked again like any upload.
# Every GOV.UK form does this (`socialvalue.web.forms.upload_keeper`, registered when the app is
# ready): `restore_kept_uploads` before validation, `keep_chosen_uploads` after it and after a
# domain refusal is added.

KEPT_SUFFIX = "__kept"
KEPT_ROOT = "kept"
_KEPT_SALT = "socialvalue.files.kept-upload"
#: A kept file is offered back for a day; after that the person chooses it again.
KEPT_MAX_AGE = 24 * 60 * 60


def _uploads_of(form: forms.BaseForm, name: str, field: forms.FileField) -> list:
    key = form.add_prefix(name)
    files = form.files
    if getattr(field, "multiple", False) and hasattr(files, "getlist"):
        return [u for u in files.getlist(key) if u]
    upload = files.get(key)
    return [upload] if upload else []


def keep(uploads: list) -> str:
    """Store `uploads` for a later post of the same form; returns the signed token naming them."""
    folder = f"{KEPT_ROOT}/{timezone.now():%Y/%m/%d}/{secrets.token_urlsafe(18)}"
    kept = []
    for i, upload in enumerate(uploads):
        name = f"{folder}/{i}"
        handle = getattr(upload, "file", upload)
        if hasattr(handle, "seek"):
            handle.seek(0)
        storage.write(name, handle if isinstance(handle, File) else File(handle))
        if hasattr(handle, "seek"):
            handle.seek(0)
        kept.append([name, clean_name(getattr(upload, "name", "") or "file")])
    return signing.dumps(kept, salt=_KEPT_SALT, compress=True)


def kept(token: str) -> list:
    """The uploads a token names, read back from storage; none when it is forged, old or gone."""
    try:
        named = signing.loads(token, salt=_KEPT_SALT, max_age=KEPT_MAX_AGE)
    except signing.BadSignature:
        return []
    uploads = []
    for name, original in named:
        if not str(name).startswith(f"{KEPT_ROOT}/") or not storage.exists(name):
            return []
        uploads.append(SimpleUploadedFile(original, storage.read_bytes(name)))
    return uploads


def restore_kept_uploads(form: forms.BaseForm) -> None:
    """Before validation: a file field left empty gets back the file its token keeps."""
    if not form.is_bound:
        return
    for name, field in form.fields.items():
        if not isinstance(field, forms.FileField):
            continue
        field.kept_token, field.kept_names = "", []
        token = form.data.get(form.add_prefix(name) + KEPT_SUFFIX, "")
        if not token or _uploads_of(form, name, field):
            continue  # nothing kept, or a new choice replaces it
        uploads = kept(token)
        if not uploads:
            continue
        files = form.files.copy() if isinstance(form.files, MultiValueDict) else MultiValueDict()
        if not isinstance(form.files, MultiValueDict):
            for key, value in dict(form.files).items():
                files[key] = value
        files.setlist(form.add_prefix(name), uploads)
        form.files = files
        field.kept_token = token
        field.kept_names = [u.name for u in uploads]


def keep_chosen_uploads(form: forms.BaseForm) -> None:
    """When the form is refused: keep each file field's checked choice for the next post."""
    if not form.is_bound or not form.errors:
        return
    for name, field in form.fields.items():
        if not isinstance(field, forms.FileField) or name in form.errors:
            continue  # a file refused for itself is not kept: the person must choose another
        if getattr(field, "kept_token", ""):
            continue  # already kept (restored from its token, or kept on an earlier refusal)
        uploads = _uploads_of(form, name, field)
        if not uploads:
            continue
        field.kept_token = keep(uploads)
        field.kept_names = [clean_name(getattr(u, "name", "") or "file") for u in uploads]


def forget_old_kept_uploads(today: dt.date | None = None) -> int:
    """Delete kept files past the day they are offered back for; returns how many went."""
    today = today or timezone.localdate()
    keep_from = today - dt.timedelta(days=2)  # a day's offer, plus one for time zones
    gone = 0
    for name in list(storage.walk(KEPT_ROOT)):
        parts = name.split("/")
        try:
            day = dt.date(int(parts[1]), int(parts[2]), int(parts[3]))
        except (IndexError, ValueError):
            day = dt.date.min  # not one of ours: nothing else is written under the folder
        if day < keep_from:
            storage.delete(name)
            gone += 1
    return gone
