"""Documents of a submission: checked by their content, stored sealed, read back only for who may.

A document may list members by name (RAT attendance) or worse, so it is stored encrypted with the
NIK keys (as import uploads are) under a random name; its type comes from its first bytes: a PDF
renamed `.jpg` is a PDF, an executable renamed `.pdf` is refused.
"""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..formats import angka
from ..models.portal import Submission, SubmissionDocument, document_storage
from .import_jobs import seal, unseal

# (first bytes, content type) of what a cooperative may send.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
MAX_DOCUMENTS = 10  # per submission


def sniff(head: bytes):
    """The content type of a PDF, PNG or JPEG from its first bytes, or None."""
    return next((kind for signature, kind in SIGNATURES if head.startswith(signature)), None)


def _too_large():
    return _(
        "Berkas terlalu besar: paling besar %(mb)s MB. Perkecil foto atau pindai dengan resolusi lebih rendah."
    ) % {"mb": angka(settings.DOCUMENT_MAX_BYTES // (1024 * 1024))}


@transaction.atomic
def document_add(*, submission, kind, upload, by) -> SubmissionDocument:
    """Attach `upload` to a submission its board may still change; refused with the reason otherwise."""
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if not current.is_editable:
        raise ValidationError(_("Laporan ini sudah dikirim: dokumennya tidak dapat diubah lagi."))
    if current.documents.count() >= MAX_DOCUMENTS:
        raise ValidationError(_("Paling banyak %(n)s dokumen per laporan.") % {"n": MAX_DOCUMENTS})
    if upload.size is not None and upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(_too_large())
    data = upload.read(settings.DOCUMENT_MAX_BYTES + 1)
    if len(data) > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(_too_large())
    if not data:
        raise ValidationError(_("Berkas ini kosong."))
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationError(_("Hanya berkas PDF, JPEG atau PNG yang diterima (dikenali dari isinya, bukan dari "
                                "namanya)."))
    storage = document_storage()
    name = storage.save(f"{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}", ContentFile(seal(data)))
    try:
        document = SubmissionDocument(
            submission=current, kind=kind, file=name, original_name=os.path.basename(upload.name or "")[:200] or "-",
            content_type=content_type, size=len(data), uploaded_by=by,
        )
        document._change_reason = _("Dokumen diunggah")
        document.save()
    except Exception:
        storage.delete(name)
        raise
    return document


def document_content(document) -> bytes:
    """The document's bytes, unsealed."""
    with document.file.open("rb") as stored:
        return unseal(stored.read())


@transaction.atomic
def document_remove(*, document, by):
    """Remove a document from a submission its board may still change; the file goes once the removal commits."""
    current = Submission.objects.select_for_update().get(pk=document.submission_id)
    if not current.is_editable:
        raise ValidationError(_("Laporan ini sudah dikirim: dokumennya tidak dapat diubah lagi."))
    name = document.file.name
    document._change_reason = _("Dokumen dihapus")
    document.delete()
    transaction.on_commit(lambda: document_storage().delete(name))
