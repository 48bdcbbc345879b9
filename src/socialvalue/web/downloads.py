"""Files built on request (a document in CSV, Excel, Word or PDF) and the notes switch.

Every CSV and Excel file states what a reader must know about its figures (the document's
``notes``). ``?notes=0`` leaves the ``#`` lines out of a CSV for machine readers; Excel keeps its
"Notes" sheet, which no reader of the data sheets trips over.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from socialvalue.reports import FORMATS, Document, render

_OFF = {"0", "false", "no", "off"}


def notes_wanted(request: HttpRequest) -> bool:
    """False when the query asks for the file without its notes lines (``?notes=0``)."""
    return request.GET.get("notes", "1").strip().lower() not in _OFF


def document_download(
    request: HttpRequest, document: Document, file_format: str, filename: str = ""
) -> HttpResponse:
    """The document as an attachment in ``file_format``, honouring the notes switch."""
    response = HttpResponse(
        render(document, file_format, notes=notes_wanted(request)),
        content_type=FORMATS[file_format],
    )
    name = filename or document.file_name(file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
