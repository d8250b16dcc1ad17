"""Writes over several rows: a partnership proposed from a suggestion, participants added to a training."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..matching import Candidate
from ..models import BoardMember, Condition, Cooperative, Partnership, Training, TrainingParticipant
from .creation import insert_once

REASON_TEXT = {
    "jenis": _("jenis saling melengkapi (produsen dengan pemasaran/konsumen)"),
    "sector": _("sektor usaha sama"),
    "commodity": _("komoditas sama (kelapa sawit)"),
    "same_kecamatan": _("kecamatan sama"),
    "neighbour": _("kecamatan bertetangga"),
    "mentoring": _("pendampingan: satu kuat, satu lemah pada kondisi"),
}
MENTOR_TEXT = {
    True: _("%(condition)s (mitra kuat, dapat mendampingi)"),
    False: _("%(condition)s (koperasi ini kuat, dapat mendampingi mitra)"),
}


def reason_labels(candidate: Candidate) -> list[str]:
    """The reasons of a suggestion as sentences (Indonesian source strings, translated on output)."""
    labels = []
    for reason in candidate.reasons:
        text = str(REASON_TEXT[reason.code])
        if reason.conditions:
            text += ": " + ", ".join(
                str(MENTOR_TEXT[strong]) % {"condition": Condition(code).label}
                for code, strong in zip(reason.conditions, reason.partner_strong, strict=True)
            )
        labels.append(text)
    return labels


def evidence_labels(candidate) -> list[str]:
    """Why an outside party is suggested: each similar cooperative nearby it already serves."""
    return [
        f"{item.cooperative.name} ({REASON_TEXT[item.nearness]}, {REASON_TEXT[item.likeness]})"
        for item in candidate.evidence
    ]


@transaction.atomic
def partnership_propose(*, cooperative: Cooperative, partner: Cooperative, candidate: Candidate) -> Partnership:
    """A proposed partnership between two cooperatives, from a suggestion, with its reasons as notes."""
    partnership = Partnership(
        cooperative=cooperative, partner_cooperative=partner, kind=Partnership.Kind.BETWEEN_COOPERATIVES,
        status=Partnership.Status.PROPOSED,
        notes=str(_("Dari saran kemitraan (skor %(score)s): %(reasons)s.")) % {
            "score": candidate.score, "reasons": "; ".join(reason_labels(candidate)),
        },
    )
    partnership.full_clean()
    partnership._change_reason = str(_("Diusulkan dari saran kemitraan"))
    partnership.save()
    return partnership


@transaction.atomic
def training_add_participants(
    *,
    training: Training,
    cooperative: Cooperative,
    board_members: list[BoardMember],
    staff: list[tuple[str, str]],
    attended: bool,
) -> list[TrainingParticipant]:
    """Add board members (by their term) and staff (by name) of one cooperative to a training."""
    added = []
    for member in board_members:
        added.append(TrainingParticipant(
            training=training, cooperative=cooperative, board_member=member, name=member.name,
            position=member.get_role_display(), attended=attended,
        ))
    for name, position in staff:
        added.append(TrainingParticipant(
            training=training, cooperative=cooperative, name=name, position=position, attended=attended,
        ))
    for participant in added:
        participant.full_clean()
        # One by one, so each gets its history row; a board member another Petugas added meanwhile
        # refuses the whole batch (AlreadyRecorded), as the check above would have a moment later.
        insert_once(instance=participant, reason=str(_("Peserta pelatihan dicatat")), message=_(
            "%(name)s baru saja dicatat orang lain sebagai peserta pelatihan ini.") % {"name": participant.name})
    return added
