"""What a cooperative submits: save a draft, submit it, and the Dinas's review (accept or return).

A submission never touches the registry until a Petugas accepts it; accepting writes the yearly
report through the write path of staff edits (`save_versioned`, or a new report with its history),
with the reason "Disampaikan oleh koperasi, diterima oleh ...". Each step moves the submission's
own version under a row lock, so two board members, or two reviewers, never overwrite each other.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import YearlyReport
from ..models.portal import REPORT_FIELDS, SUBMITTED_COUNTS, SUBMITTED_MONEY, Submission
from .creation import AlreadyRecorded, insert_once
from .versioning import lock_at_version, remember_loaded, save_versioned

# What a submission must hold before it is sent: every count and amount (0 is an answer, empty is not).
REQUIRED_TO_SUBMIT = SUBMITTED_COUNTS + SUBMITTED_MONEY


def report_candidate(submission, *, report=None):
    """The yearly report the submission would make (`report` updated, or a new one), unsaved."""
    report = report or YearlyReport(cooperative=submission.cooperative, year=submission.year)
    for name in REPORT_FIELDS:
        value = getattr(submission, name)
        if value is None and name not in ("rat_date", "rat_attendance", "rat_quorum"):
            value = 0
        setattr(report, name, value)
    return report


def submission_errors(submission) -> dict:
    """Why the submission cannot be sent yet, per field (empty when it can): what a yearly report requires."""
    errors = {}
    for name in REQUIRED_TO_SUBMIT:
        if getattr(submission, name) is None:
            errors[name] = [_("Wajib diisi sebelum laporan dikirim (tulis 0 bila tidak ada).")]
    if submission.rat_date and submission.rat_attendance is None:
        errors["rat_attendance"] = [_("Isi jumlah yang hadir dalam RAT.")]
    if submission.rat_date and submission.rat_quorum is None:
        errors["rat_quorum"] = [_("Pilih apakah RAT mencapai kuorum.")]
    candidate = report_candidate(submission)
    try:
        candidate.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


@transaction.atomic
def submission_save(*, submission, by, expected_version=None, submit=False) -> Submission:
    """Save a board member's draft (new, or over the version their form was opened at); `submit`
    also sends it to the Dinas, refused with the fields to fix while it is incomplete."""
    now = timezone.now()
    if submit:
        errors = submission_errors(submission)
        if errors:
            raise ValidationError(errors)
    if submission.pk is None:
        submission.created_by = by
    else:
        current = lock_at_version(Submission, submission.pk, expected_version)
        if current.status not in Submission.EDITABLE:
            raise ValidationError(_("Laporan ini sudah dikirim dan tidak dapat diubah lagi."))
        submission.version = current.version + 1
    if submit:
        submission.status = Submission.Status.SUBMITTED
        submission.submitted_by, submission.submitted_at = by, now
        submission._change_reason = _("Dikirim ke Dinas")
    else:
        submission._change_reason = _("Draf disimpan")
    if submission.pk is None:
        # Two board members starting the same year at once: the second is told where the first one is.
        return insert_once(instance=submission, message=_(
            "Laporan tahun buku ini baru saja dibuat pengurus lain ketika Anda menyimpan."))
    submission.save()
    return submission


def accepted_reason(user):
    return _("Disampaikan oleh koperasi, diterima oleh %(name)s") % {"name": user.get_full_name() or user.username}


class RecordChanged(ValidationError):
    """The yearly report on record changed after the review page showed it."""


CHANGED_SINCE_PAGE = gettext_lazy("Laporan tahunan yang tercatat berubah setelah halaman ini dibuka. Periksa lagi.")


@transaction.atomic
def submission_accept(*, submission, expected_version, record_version, by) -> YearlyReport:
    """The submitted values become the yearly report of their year, through the write path of staff edits.

    `record_version` is the version of the yearly report the reviewer saw (0: none on record then);
    if it moved, nothing is written and RecordChanged says so.
    """
    current = lock_at_version(Submission, submission.pk, expected_version)
    if current.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("Laporan ini tidak sedang menunggu tinjauan."))
    reason = accepted_reason(by)
    report = YearlyReport.objects.select_for_update().filter(cooperative=current.cooperative, year=current.year).first()
    if (report.version if report else 0) != record_version:
        raise RecordChanged(CHANGED_SINCE_PAGE)
    reported_on = timezone.localdate(current.submitted_at) if current.submitted_at else timezone.localdate()
    if report is None:
        report = report_candidate(current)
        if report.rat_date:
            report.rat_reported_on = max(reported_on, report.rat_date)
        report.full_clean()
        # No row to lock when none was on record: a report created by staff after the lookup above
        # meets this one at the unique constraint, and is the same conflict as one seen moving.
        try:
            insert_once(instance=report, reason=reason)
        except AlreadyRecorded as taken:
            raise RecordChanged(CHANGED_SINCE_PAGE) from taken
    else:
        remember_loaded(report)
        report_candidate(current, report=report)
        if report.rat_date and not report.rat_reported_on:
            report.rat_reported_on = max(reported_on, report.rat_date)
        report.full_clean()
        save_versioned(instance=report, expected_version=record_version, reason=reason)
    current.status = Submission.Status.ACCEPTED
    current.reviewed_by, current.reviewed_at = by, timezone.now()
    current.yearly_report = report
    current.version += 1
    current._change_reason = reason
    current.save()
    return report


def return_to_cooperative(model, pk, *, expected_version, note, by, not_waiting):
    """Send what a cooperative submitted (a yearly report or a change request) back with a note it sees;
    the registry stays as it is. `not_waiting`: the refusal when it is no longer waiting for review."""
    current = lock_at_version(model, pk, expected_version)
    if current.status != model.Status.SUBMITTED:
        raise ValidationError(not_waiting)
    current.status = model.Status.RETURNED
    current.reviewed_by, current.reviewed_at = by, timezone.now()
    current.review_note = note
    current.version += 1
    current._change_reason = _("Dikembalikan oleh %(name)s: %(note)s") % {
        "name": by.get_full_name() or by.username, "note": note,
    }
    current.save()
    return current


@transaction.atomic
def submission_return(*, submission, expected_version, note, by) -> Submission:
    """Send the submission back to the cooperative with a note it sees; the registry stays as it is."""
    return return_to_cooperative(Submission, submission.pk, expected_version=expected_version, note=note, by=by,
                                 not_waiting=_("Laporan ini tidak sedang menunggu tinjauan."))
