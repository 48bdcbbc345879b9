"""What the files app adds, once every app is loaded: removing a stored file's content when its row is deleted,
and keeping a chosen file across a refused post of any form."""

from __future__ import annotations

from django.db.models.signals import post_delete

from socialvalue.web.forms import upload_keeper

from .forms import keep_chosen_uploads, restore_kept_uploads
from .models import remove_stored_file


def register() -> None:
    # Every concrete StoredFile, whichever app defines it; the receiver ignores other models.
    post_delete.connect(remove_stored_file, dispatch_uid="files-remove-stored-file")
    upload_keeper.register(restore=restore_kept_uploads, keep=keep_chosen_uploads)
