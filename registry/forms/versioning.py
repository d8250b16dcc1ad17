"""The form half of "no lost edits": every edit form carries the version it was opened at."""

from django import forms
from django.utils.translation import gettext_lazy as _


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
