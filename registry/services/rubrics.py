"""Writes about the assessment rubric: copy a version to a new revision of its year or to another year.

A version used by a submitted or verified assessment is frozen (models/assessments.py refuses
changes to it); a copy is how the office changes its weights, bands or level descriptions.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..models import RubricCondition, RubricVersion
from .creation import AlreadyRecorded, insert_once

REVISION_ATTEMPTS = 5


def _base_name(rubric):
    return rubric.name.split(" — ")[0]


@transaction.atomic
def rubric_copy(*, rubric: RubricVersion, year: int | None = None) -> RubricVersion:
    """A new rubric version: a copy of `rubric` with its conditions and indicators.

    Without `year`, the next revision of the same year: new assessments of that year use it,
    those already recorded keep theirs. With `year`, that year's next revision (1 for a new year).
    """
    year = rubric.year if year is None else year
    for attempt in range(REVISION_ATTEMPTS):
        revision = (RubricVersion.objects.filter(year=year).aggregate(n=Max("revision"))["n"] or 0) + 1
        name = f"{_base_name(rubric)} — {year}"
        if revision > 1:
            name += " " + _("(revisi %(n)s)") % {"n": revision}
        try:
            copy = insert_once(instance=RubricVersion(
                year=year, revision=revision, name=name,
                notes=_("Disalin dari versi \"%(name)s\".") % {"name": rubric.name},
            ))
            break
        except AlreadyRecorded:
            # Another admin's copy took this revision between the count and the insert: each copy
            # asked for is made, as the next revision.
            if attempt == REVISION_ATTEMPTS - 1:
                raise
    for condition in rubric.conditions.prefetch_related("indicators"):
        new_condition = RubricCondition.objects.create(
            rubric=copy, code=condition.code, weight=condition.weight, order=condition.order
        )
        for indicator in condition.indicators.all():
            indicator.pk = None
            indicator.id = None
            indicator._state.adding = True
            indicator.condition = new_condition
            indicator.save()
    return copy
