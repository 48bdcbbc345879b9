"""Uploaded files: checked by content and size, stored outside static files, served only through access-checked views.

How another app attaches files to one of its objects (evidence, case studies, provider returns):

1. A concrete model per owner, subclassing the abstract `StoredFile`::

       from socialvalue.web.files.models import StoredFile

       class EvidenceFile(StoredFile):
           evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="files")

   It brings the organisation, original name, detected type, size, sha256, who uploaded it and
   when, and the stored file itself (in the configured storage, local or S3, with a random name,
   never under static). The stored file is removed when the row is deleted (also by a cascade),
   once the deletion commits. Read and write stored files only through `files.storage`.

2. A form field that refuses a file too large or of a type not allowed, naming the file::

       from socialvalue.web.files.forms import UploadField

       class AttachForm(GovukForm):
           upload = UploadField(label="Add a file")              # one file
           uploads = UploadField(label="Files", multiple=True)   # several; cleans to a list

   Outside forms (the API's multipart routes) call `checks.check_upload(upload)`, which raises
   `django.core.exceptions.ValidationError` (the API answers it 400 with the message).

3. Saving: `EvidenceFile.store(upload, organisation=org, uploaded_by=user, evidence=record)` checks
   the file again (size and content), hashes it and saves it with a random name.

4. Serving: fetch the OWNER through the tenancy path first, then the file among its files, and
   answer with `serving.attachment(stored_file)`::

       record = get_visible_or_404(Evidence, request.actor, pk=evidence_id)
       stored = get_object_or_404(record.files, pk=file_id)
       return attachment(stored)

   The response is `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, the
   content type detected at upload (never the one the browser claimed), and a sandboxing policy.
   Images may still be shown with `<img src>` pointing at the same route.

Allowed types, judged by content whatever the file is called: PDF, Word (.docx), Excel (.xlsx),
CSV (UTF-8 text), PNG and JPEG. The size limit is `settings.MAX_UPLOAD_BYTES`
(SOCIALVALUE_MAX_UPLOAD_MB, default 20 MB).
"""
