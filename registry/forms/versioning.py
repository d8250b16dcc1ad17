"""The form half of "no lost edits": every edit form carries the version it was opened at."""

from django import forms
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .inputs import use_typed_inputs


class VersionedModelForm(forms.ModelForm):
    """A ModelForm with a hidden `version` field and an optional reason for the change.

    Use with `registry.mixins.VersionedEditMixin` in the view, which saves through
    `registry.services.versioning.save_versioned`.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    change_reason = forms.CharField(
        label=_("alasan perubahan"),
        required=False,
        max_length=500,
        help_text=_("Opsional; tersimpan di riwayat perubahan."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 1
        use_typed_inputs(self)

    def take_theirs(self, conflict) -> None:
        """After an edit conflict: make the form a save of this user's changes over the record as it is now.

        Every field this user left as it was when they opened the form takes the value saved since
        (so "save again" writes only what they changed, never their stale copy of the rest); a field
        both changed keeps this user's input. The hidden version becomes the current one. Compared
        with the record at the version the form was opened at (`conflict.opened`); without it, every
        field keeps the user's input. Sets `conflict.merged` and `conflict.both` (the labels of the
        fields both changed) for the page.
        """
        data = self.data.copy()
        data[self.add_prefix("version")] = conflict.current.version
        both, taken = [], []
        if conflict.opened is not None:
            theirs, before = model_to_dict(conflict.current), model_to_dict(conflict.opened)
            for name, field in self.fields.items():
                if field.disabled or name not in theirs or name not in before or theirs[name] == before[name]:
                    continue
                if field.has_changed(before[name], self[name].data):
                    both.append(str(field.label or name))
                    continue
                value = theirs[name]
                data.setlist(self.add_prefix(name), list(value) if isinstance(value, list | tuple) else
                             ["" if value is None else value])
                taken.append(name)
        if "desa" in taken and "kecamatan" in self.fields and hasattr(self, "kecamatan_of_desa"):
            # The kecamatan select only narrows the desa choices (forms/regions.py): it follows their desa.
            data[self.add_prefix("kecamatan")] = self.kecamatan_of_desa.get(data[self.add_prefix("desa")], "")
        self.data = data
        conflict.merged, conflict.both = conflict.opened is not None, both
