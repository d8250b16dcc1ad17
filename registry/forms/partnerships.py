"""Forms of partnerships, trainings (with their participants) and supervisory findings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import (
    BoardMember,
    Cooperative,
    Finding,
    Kecamatan,
    OutsideParty,
    Partnership,
    Training,
    TrainingParticipant,
)
from ..widgets import QuickSelect
from .cooperative_choice import CooperativeField
from .cooperatives import DATE
from .inputs import RupiahField
from .versioning import VersionedModelForm


def cooperative_choices(user):
    """Cooperatives a form may name: those in the user's area."""
    return Cooperative.objects.for_user(user).order_by("name", "id")


class PartnershipForm(VersionedModelForm):
    """Record or edit a partnership: one partner, either another cooperative or an outside party."""

    class Meta:
        model = Partnership
        fields = [
            "cooperative", "partner_cooperative", "outside_party", "kind", "status", "start_date", "end_date",
            "value", "agreement_number", "notes",
        ]
        widgets = {
            "start_date": DATE, "end_date": DATE, "notes": forms.Textarea(attrs={"rows": 3}),
            "outside_party": QuickSelect,
        }
        field_classes = {"value": RupiahField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        cooperatives = cooperative_choices(user)
        if self.instance.pk:
            # A partnership across the area's border stays editable: its two sides remain choices.
            sides = [self.instance.cooperative_id, self.instance.partner_cooperative_id]
            cooperatives = cooperatives | Cooperative.objects.filter(pk__in=[pk for pk in sides if pk])
        # Typed with suggestions rather than chosen from a list of every cooperative.
        for name in ("cooperative", "partner_cooperative"):
            model_field = self.fields[name]
            self.fields[name] = CooperativeField(
                queryset=cooperatives, label=model_field.label, required=model_field.required
            )
        self.fields["partner_cooperative"].help_text = _("Isi salah satu: koperasi mitra atau pihak luar.")
        self.fields["outside_party"].queryset = OutsideParty.objects.order_by("name")
        # The database's check refuses a negative value; said here, the message sits beside the field.
        self.fields["value"].min_value = 0

    def clean(self):
        cleaned = super().clean()
        # The two sides of a partnership across the border stay choices, so an area-limited user
        # could otherwise move it wholly outside their area (and out of their sight): one side stays in.
        sides = [cleaned.get(name) for name in ("cooperative", "partner_cooperative")]
        sides = [side for side in sides if side is not None]
        if sides and not any(self.user.covers_kecamatan(side.desa.kecamatan_id) for side in sides):
            raise forms.ValidationError(
                _("Salah satu pihak kemitraan harus koperasi di wilayah kerja Anda: kemitraan ini tidak bisa "
                  "dipindah seluruhnya ke luar wilayah Anda."),
                code="outside_area",
            )
        return cleaned


class TrainingForm(VersionedModelForm):
    """Record or edit a training event, held in a kecamatan of the user's area (or district-wide)."""

    class Meta:
        model = Training
        fields = ["title", "kind", "topic", "start_date", "end_date", "organiser", "place", "kecamatan", "notes"]
        widgets = {"start_date": DATE, "end_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kecamatan"]
        field.queryset = Kecamatan.objects.for_user(user).order_by("name")
        if not user.covers_whole_district:
            # A training held district-wide is changed by whole-district staff only (Training.editable_by).
            field.required = True
            field.help_text = _("Kecamatan di wilayah kerja Anda tempat pelatihan diadakan.")
        else:
            field.empty_label = _("Tingkat kabupaten")


class ParticipantsAddForm(forms.Form):
    """Add people of one cooperative to a training: board members ticked, staff typed one per line."""

    board_members = forms.ModelMultipleChoiceField(
        label=_("pengurus/pengawas yang ikut"), queryset=BoardMember.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pengurus yang menjabat pada tanggal pelatihan dan belum tercatat sebagai peserta."),
    )
    staff = forms.CharField(
        label=_("karyawan/staf (satu per baris: nama; jabatan)"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attended = forms.BooleanField(label=_("hadir"), required=False, initial=True)

    def __init__(self, *args, training, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        already = TrainingParticipant.objects.filter(training=training, board_member__isnull=False)
        self.fields["board_members"].queryset = (
            BoardMember.objects.filter(cooperative=cooperative).current(training.start_date)
            .exclude(pk__in=already.values("board_member")).order_by("role", "name")
        )

    def clean_staff(self):
        people = []
        for line in self.cleaned_data["staff"].splitlines():
            name, _sep, position = line.partition(";")
            if name.strip():
                people.append((name.strip()[:150].strip(), position.strip()[:100].strip()))
        return people

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("board_members") and not cleaned_data.get("staff"):
            raise forms.ValidationError(_("Pilih pengurus atau tulis nama karyawan yang ikut."))
        return cleaned_data


class TrainingParticipantForm(VersionedModelForm):
    """Correct a participant's attendance or position."""

    class Meta:
        model = TrainingParticipant
        fields = ["name", "position", "attended"]


class FindingForm(VersionedModelForm):
    """Record a supervisory finding or its follow-up."""

    class Meta:
        model = Finding
        fields = [
            "found_on", "kind", "risk", "description", "recommendation", "due_date", "follow_up_status",
            "followed_up_on", "follow_up_notes",
        ]
        widgets = {
            "found_on": DATE, "due_date": DATE, "followed_up_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}), "recommendation": forms.Textarea(attrs={"rows": 3}),
            "follow_up_notes": forms.Textarea(attrs={"rows": 2}),
        }
