"""The assessment entry form (one cooperative, one year, every indicator) and the workflow forms."""

import functools

from django import forms
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..figures import FIRST_TREND_YEAR
from ..models import RubricIndicator, last_full_year
from ..services.assessments import Entry


class AssessmentEntryForm(forms.Form):
    """Every indicator of the rubric as four fields: level (or checklist), reason, notes, evidence.

    `rows` are the page's indicator rows (indicator, suggestion, stored score); a computed level
    is the initial choice, so the assessor only touches what they disagree with.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    notes = forms.CharField(label=_("catatan penilai"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    change_reason = forms.CharField(
        label=_("alasan perubahan"), required=False, max_length=500,
        help_text=_("Opsional; tersimpan di riwayat perubahan."),
    )

    def __init__(self, *args, rows, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        if assessment is not None:
            self.fields["version"].initial = assessment.version
            self.fields["notes"].initial = assessment.notes
        for row in rows:
            indicator, stored, suggestion = row.indicator, row.stored, row.suggestion
            prefix = f"i{indicator.pk}"
            if indicator.method == RubricIndicator.Method.CHECKLIST:
                self.fields[f"{prefix}_checklist"] = forms.MultipleChoiceField(
                    label=_("butir yang terpenuhi"), required=False, widget=forms.CheckboxSelectMultiple,
                    choices=[(item, item) for item in indicator.checklist_items],
                    initial=stored.checklist_met if stored else [],
                )
            else:
                # A kept override stays; otherwise today's computed level (the records may have changed).
                if stored and stored.is_override:
                    initial = stored.level
                elif suggestion and suggestion.level:
                    initial = suggestion.level
                else:
                    initial = stored.level if stored else None
                descriptions = indicator.level_descriptions
                self.fields[f"{prefix}_level"] = forms.TypedChoiceField(
                    label=_("nilai"), coerce=int, empty_value=None, required=False,
                    choices=[(str(n), f"{n} – {descriptions[n]}") for n in (4, 3, 2, 1)],
                    widget=forms.RadioSelect, initial=str(initial) if initial else None,
                )
            if indicator.is_computed:
                self.fields[f"{prefix}_reason"] = forms.CharField(
                    label=_("alasan bila berbeda dari nilai terhitung"), required=False, max_length=1000,
                    initial=stored.override_reason if stored else "",
                )
            self.fields[f"{prefix}_notes"] = forms.CharField(
                label=_("catatan"), required=False, max_length=2000, initial=stored.notes if stored else "",
            )
            self.fields[f"{prefix}_evidence"] = forms.CharField(
                label=_("bukti"), required=False, max_length=300, initial=stored.evidence if stored else "",
                help_text=_("Dokumen atau tempat bukti, mis. notulen RAT 2024."),
            )
            row.fields = {
                name: self[f"{prefix}_{name}"]
                for name in ("level", "checklist", "reason", "notes", "evidence")
                if f"{prefix}_{name}" in self.fields
            }

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            prefix = f"i{row.indicator.pk}"
            level = cleaned.get(f"{prefix}_level")
            computed = row.suggestion.level if row.suggestion else None
            if computed and level and level != computed and not cleaned.get(f"{prefix}_reason", "").strip():
                self.add_error(
                    f"{prefix}_reason",
                    _("Nilai %(level)s berbeda dari nilai terhitung %(computed)s: tulis alasannya.")
                    % {"level": level, "computed": computed},
                )
        return cleaned

    def level_value(self, row):
        """The level a row has in the form as it stands (what was posted, else the initial), or None."""
        name = f"i{row.indicator.pk}_level"
        if name not in self.fields:
            return None  # a checklist: always scored, from its ticked items
        value = self[name].value()
        return int(value) if str(value or "").isdigit() else None

    def unscored_rows(self):
        """The rows still without a level, for the list at the top of the form."""
        return [row for row in self.rows if f"i{row.indicator.pk}_level" in self.fields
                and self.level_value(row) is None]

    def error_links(self):
        """Every error of the form as (anchor id or None, text): an indicator's field named by its code
        and name, so that the summary at the top says where each one is."""
        indicators = {f"i{row.indicator.pk}": row.indicator for row in self.rows}
        links = [(None, error) for error in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            field = self[name]
            indicator = indicators.get(name.rsplit("_", 1)[0])
            where = f"{indicator.code} {indicator.text} – {field.label}" if indicator else str(field.label).capitalize()
            links += [(None if field.is_hidden else field.auto_id, f"{where}: {error}") for error in errors]
        return links

    def entries(self):
        """What the service needs: an Entry per indicator id."""
        data = self.cleaned_data
        return {
            row.indicator.pk: Entry(
                level=data.get(f"i{row.indicator.pk}_level"),
                override_reason=data.get(f"i{row.indicator.pk}_reason", ""),
                notes=data.get(f"i{row.indicator.pk}_notes", ""),
                evidence=data.get(f"i{row.indicator.pk}_evidence", ""),
                checklist_met=data.get(f"i{row.indicator.pk}_checklist", []),
            )
            for row in self.rows
        }


class ReasonForm(forms.Form):
    """A written reason for a workflow step (reopen, return)."""

    reason = forms.CharField(label=_("alasan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


def closed_years():
    """The book years that may be prepared: closed ones, newest first, back to the first trend year."""
    return [(year, str(year)) for year in range(last_full_year(), FIRST_TREND_YEAR - 1, -1)]


class PrepareYearForm(forms.Form):
    """The year to prepare draft assessments for: a closed book year only."""

    year = forms.TypedChoiceField(label=_("tahun buku"), coerce=int, choices=closed_years)


def prepare_year_field():
    """The assessment list's year field of PrepareYearForm, unbound, as the page shows it.

    Drawing it through Django's form templates was about a sixth of the list page's CPU, for the
    same HTML on every request: it depends only on the language and on the last closed book year
    (its choices), so it is drawn once per process for each pair.
    """
    return _prepare_year_field(get_language(), last_full_year())


@functools.lru_cache(maxsize=16)
def _prepare_year_field(language, last_year):
    with translation.override(language):
        return PrepareYearForm()["year"].as_field_group()
