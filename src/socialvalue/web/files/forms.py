"""A form field for uploads: the size limit and the allowed types, checked by content, with errors naming the file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .checks import ACCEPT, ALLOWED_DESCRIPTION, check_upload, describe_size, size_limit


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
