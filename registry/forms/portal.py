"""Forms of the cooperatives' portal: the invitation of a board member, the first sign-in, what the board
submits (a yearly report, a document) and the changes it asks for."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from .. import nik as nik_codec
from ..models import BoardMember, User, last_full_year
from ..models.portal import (
    CONTACT_FIELDS,
    REPORT_FIELDS,
    SUBMITTED_COUNTS,
    SUBMITTED_MONEY,
    ChangeRequest,
    Submission,
    SubmissionDocument,
)
from ..services.board_accounts import CodeRefused, account_for_code, eligible_board
from .cooperatives import DATE
from .inputs import NoNikInFreeTextMixin, RupiahField, use_typed_inputs


class BoardAccountInviteForm(forms.Form):
    """Which sitting board member receives an account, and an e-mail for the invitation if they have one."""

    board_member = forms.ModelChoiceField(label=_("pengurus"), queryset=None, empty_label=None)
    email = forms.EmailField(
        label=_("email"), required=False,
        help_text=_("Opsional: bila diisi, undangan juga dikirim lewat email. Surat cetak tetap dibuat."),
    )

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board_member"].queryset = eligible_board(cooperative).order_by("role", "name")
        self.fields["board_member"].label_from_instance = lambda term: f"{term.name} ({term.get_role_display()})"


class FirstSignInForm(forms.Form):
    """The one-time code of the letter, then the username and password the board member chooses."""

    code = forms.CharField(
        label=_("kode undangan"), max_length=30, help_text=_("Tertulis pada surat undangan, misalnya ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters",
                                      "spellcheck": "false"}),
    )
    username = forms.CharField(
        label=_("nama pengguna"), max_length=150, validators=[UnicodeUsernameValidator()],
        help_text=_("Huruf, angka dan @ . + - _ saja, tanpa spasi."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("kata sandi"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("ulangi kata sandi"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.account = None

    def clean_code(self):
        try:
            self.account = account_for_code(self.cleaned_data["code"], now=self.now)
        except CodeRefused as refused:
            raise forms.ValidationError(refused.messages[0], code=refused.code) from None
        return self.cleaned_data["code"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Nama pengguna ini sudah dipakai. Pilih yang lain."))
        return username

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        elif password1:
            person = self.account.board_member.name if self.account else ""
            first, _sep, last = person.partition(" ")
            candidate = User(username=cleaned.get("username", ""), first_name=first, last_name=last)
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SubmissionForm(NoNikInFreeTextMixin, forms.ModelForm):
    """A cooperative's yearly report and RAT as its board types them on a phone.

    Every figure may stay empty in a draft; sending it (services/submissions.py) asks for them
    all. Amounts are read as written on paper (`1.250.000`), dates as 26/11/2026 or from the picker.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = Submission
        fields = ["year", *REPORT_FIELDS, "rat_decisions"]
        widgets = {
            "rat_date": DATE,
            "rat_decisions": forms.Textarea(attrs={"rows": 4}),
            **{name: forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}) for name in SUBMITTED_COUNTS},
            "rat_attendance": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }
        field_classes = {name: RupiahField for name in SUBMITTED_MONEY}

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.instance.cooperative = cooperative
        last = last_full_year()
        years = range(last, max(cooperative.founded_on.year, last - 9) - 1, -1)
        self.fields["year"] = forms.TypedChoiceField(
            label=_("tahun buku"), coerce=int, choices=[(year, str(year)) for year in years],
            help_text=_("Tahun buku yang sudah ditutup."),
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
        for name in SUBMITTED_MONEY:
            if name != "shu":
                self.fields[name].min_value = 0
        quorum = forms.NullBooleanSelect()
        quorum.choices = [("unknown", _("belum diisi")), ("true", _("ya, kuorum")), ("false", _("tidak kuorum"))]
        self.fields["rat_quorum"].widget = quorum
        use_typed_inputs(self)

    def clean_year(self):
        year = self.cleaned_data["year"]
        taken = Submission.objects.filter(cooperative=self.cooperative, year=year).exclude(
            status=Submission.Status.ACCEPTED).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Laporan tahun buku ini sudah ada: buka dari halaman koperasi Anda."))
        return year


class DocumentForm(forms.Form):
    """A document for a submission: its kind and the file (checked by content in services/documents.py)."""

    kind = forms.ChoiceField(label=_("jenis dokumen"), choices=SubmissionDocument.Kind.choices)
    file = forms.FileField(
        label=_("berkas"), help_text=_("PDF, JPEG atau PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The file's own name is kept and shown to the Dinas: a scan named after its owner's NIK would show it.
        if upload is not None and nik_codec.contains_nik(upload.name):
            raise forms.ValidationError(
                _("Nama berkas tidak boleh memuat NIK: ganti nama berkasnya, lalu unggah lagi."))
        return upload

    @property
    def max_mb(self):
        return settings.DOCUMENT_MAX_BYTES // (1024 * 1024)


class ChangeRequestForm(NoNikInFreeTextMixin, forms.ModelForm):
    """A change the board asks for, as typed on a phone: the fields of its kind only.

    A new term: the person, the position and the dates (no NIK: a board term holds none). The end of
    a term: which sitting term, the day it ended, why. Contact details: the cooperative's own fields,
    filled with the values on record. A draft may be incomplete; sending it asks for what its kind
    needs (services/change_requests.py). Dates as 26/11/2026 or from the picker.
    """

    FIELDS = {
        ChangeRequest.Kind.NEW_TERM: ["name", "role", "sex", "term_start", "term_end"],
        ChangeRequest.Kind.END_TERM: ["board_member", "ended_on", "end_reason"],
        ChangeRequest.Kind.CONTACT: CONTACT_FIELDS,
    }

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = ChangeRequest
        fields = ["name", "role", "sex", "term_start", "term_end", "board_member", "ended_on", "end_reason",
                  *CONTACT_FIELDS]
        widgets = {
            "term_start": DATE, "term_end": DATE, "ended_on": DATE,
            "end_reason": forms.Textarea(attrs={"rows": 3}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, cooperative, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.kind = kind
        self.instance.cooperative = cooperative
        self.instance.kind = kind
        for name in list(self.fields):
            if name != "version" and name not in self.FIELDS[kind]:
                del self.fields[name]
        if kind == ChangeRequest.Kind.END_TERM:
            # Only the cooperative's own sitting terms: another cooperative's id is "not a valid choice".
            terms = BoardMember.objects.filter(cooperative=cooperative).current().order_by("role", "name")
            field = self.fields["board_member"]
            field.queryset, field.empty_label = terms, _("pilih pengurus")
            field.label_from_instance = lambda term: f"{term.name} ({term.get_role_display()})"
        elif kind == ChangeRequest.Kind.CONTACT and self.instance.pk is None and not self.is_bound:
            for name in CONTACT_FIELDS:
                self.initial.setdefault(name, getattr(cooperative, name))
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
        use_typed_inputs(self)

    def clean_board_member(self):
        term = self.cleaned_data["board_member"]
        if term is not None:
            open_end = ChangeRequest.objects.filter(
                board_member=term, kind=ChangeRequest.Kind.END_TERM, status__in=ChangeRequest.OPEN
            ).exclude(pk=self.instance.pk)
            if open_end.exists():
                raise forms.ValidationError(_("Akhir masa jabatan ini sedang disiapkan atau ditinjau."))
        return term
