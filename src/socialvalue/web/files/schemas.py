"""What the API says of a stored file; each owner app names the route that downloads it."""

import datetime as dt

from ninja import Schema


class StoredFileOut(Schema):
    """A stored file's details; subclasses resolve `download_url` to their access-checked route."""

    id: int
    original_name: str
    file_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    download_url: str
