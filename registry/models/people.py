"""The people of a cooperative: its board terms and its members."""

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .. import data_quality
from .. import nik as nik_codec
from .areas import Desa, Kecamatan, area_queryset
from .cooperatives import Cooperative

# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class BoardMemberQuerySet(area_queryset("cooperative__desa__kecamatan")):
    def current(self, on=None):
        """Terms running on a date (today by default): started, not yet ended early, not past their end."""
        on = on or timezone.localdate()
        return self.filter(term_start__lte=on).filter(
            Q(term_end__isnull=True) | Q(term_end__gte=on), Q(ended_on__isnull=True) | Q(ended_on__gt=on)
        )


class BoardMember(models.Model):
    """A term of office on a cooperative's board (pengurus), supervisors (pengawas) or management."""

    class Role(models.TextChoices):
        CHAIR = "ketua", _("Ketua")
        VICE_CHAIR = "wakil_ketua", _("Wakil Ketua")
        SECRETARY = "sekretaris", _("Sekretaris")
        TREASURER = "bendahara", _("Bendahara")
        SUPERVISOR = "pengawas", _("Pengawas")
        MANAGER = "manajer", _("Manajer")

    # A board is complete when these hold a current term (and at least one pengawas): registry/figures.py.
    REQUIRED_ROLES = (Role.CHAIR, Role.SECRETARY, Role.TREASURER, Role.SUPERVISOR)

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="board_members"
    )
    name = models.CharField(_("nama"), max_length=150)
    role = models.CharField(_("jabatan"), max_length=20, choices=Role.choices)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    term_start = models.DateField(_("mulai menjabat"))
    term_end = models.DateField(_("akhir masa jabatan"), null=True, blank=True)
    ended_on = models.DateField(
        _("berhenti pada"), null=True, blank=True, help_text=_("Isi bila berhenti sebelum masa jabatan berakhir.")
    )
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    history = HistoricalRecords()

    objects = BoardMemberQuerySet.as_manager()

    class Meta:
        ordering = ["cooperative", "role", "-term_start"]
        verbose_name = _("pengurus/pengawas")
        verbose_name_plural = _("pengurus dan pengawas")
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="boardmember_term_end_after_start",
                violation_error_message=_("Akhir masa jabatan harus setelah mulai menjabat."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("term_start")),
                name="boardmember_ended_after_start",
                violation_error_message=_("Tanggal berhenti harus setelah mulai menjabat."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    def clean(self):
        super().clean()
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("Akhir masa jabatan harus setelah mulai menjabat.")})
        if self.term_start and self.ended_on and self.ended_on < self.term_start:
            raise ValidationError({"ended_on": _("Tanggal berhenti harus setelah mulai menjabat.")})

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return (
            self.term_start <= on
            and (self.ended_on is None or self.ended_on > on)
            and (self.term_end is None or self.term_end >= on)
        )


# Cooperatives read per statement when new members take their kecamatan (an IN list of ids).
KECAMATAN_READ_BATCH = 500


def cooperative_facts(cooperative_ids) -> dict:
    """{cooperative id: (the code of its kecamatan, its name)}, read under a share lock on the
    cooperatives' rows.

    What a new member, or one moved to another cooperative, copies into `Member.kecamatan` and
    `Member.cooperative_name` (and a new partnership, or one with a side changed, into
    `Partnership.kecamatan`/`partner_kecamatan`). The lock (PostgreSQL's FOR SHARE; call it inside
    the transaction that writes the members) waits for a cooperative's move to another desa, or its
    rename, to commit, and holds off one until the members are written: either way the copies end
    with the kecamatan and name the cooperative has once both are saved (a move or a rename rewrites
    its members after locking the cooperative, see registry.services.member_areas). The desa's
    kecamatan is read in a second statement, so that it is read after the lock is granted (a desa
    moved to another kecamatan locks its cooperatives first). SQLite has no row locks: its writers
    are serialised anyway.
    """
    ids = sorted(set(cooperative_ids))
    alias = router.db_for_write(Cooperative)
    connection = connections[alias]
    rows_of = {}
    for start in range(0, len(ids), KECAMATAN_READ_BATCH):
        rows = (Cooperative._base_manager.using(alias).filter(pk__in=ids[start:start + KECAMATAN_READ_BATCH])
                .order_by("pk").values_list("pk", "desa_id", "name"))
        sql, params = rows.query.sql_with_params()
        if connection.features.has_select_for_update:
            sql += " FOR SHARE"  # Django's select_for_update() has no shared mode
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows_of.update((pk, (desa, name)) for pk, desa, name in cursor.fetchall())
    kecamatan_of_desa = dict(
        Desa.objects.using(alias).filter(code__in={desa for desa, _name in rows_of.values()})
        .values_list("code", "kecamatan_id")
    )
    return {pk: (kecamatan_of_desa[desa], name) for pk, (desa, name) in rows_of.items()}


def cooperative_kecamatans(cooperative_ids) -> dict:
    """{cooperative id: the code of its kecamatan}, read under a share lock (`cooperative_facts`)."""
    return {pk: kecamatan for pk, (kecamatan, _name) in cooperative_facts(cooperative_ids).items()}


def stamp_cooperative_kecamatan(rows) -> None:
    """Set `kecamatan` on new members (or assessments) from their cooperative's, and a member's
    `cooperative_name` (read under a share lock).

    For the paths that write them in bulk, which bypass `save()`: the member import's insert,
    preparing a year's assessments.
    """
    facts = cooperative_facts(row.cooperative_id for row in rows)
    for row in rows:
        row.stamp_cooperative_facts(*facts[row.cooperative_id])


class KeepsCooperativeKecamatan:
    """For a model with `cooperative` and a copy of its kecamatan in `kecamatan` (Member,
    Assessment, Finding): saved with its cooperative's kecamatan, read under the share lock of
    `cooperative_facts`, when new or moved to another cooperative. Bulk writers, which bypass
    `save()`, use `stamp_cooperative_kecamatan`; a cooperative's move rewrites the copies
    (registry.services.member_areas). A model that keeps more of its cooperative (the member, its
    name) lists the columns in `cooperative_copies` and sets them in `stamp_cooperative_facts`."""

    cooperative_copies = ("kecamatan",)

    def stamp_cooperative_facts(self, kecamatan, name):
        self.kecamatan_id = kecamatan

    def save(self, *args, **kwargs):
        """Saved with its cooperative's kecamatan when new or moved to another cooperative."""
        update_fields = kwargs.get("update_fields")
        moved = (
            "cooperative" in update_fields or "cooperative_id" in update_fields
            if update_fields is not None
            else self.cooperative_id != getattr(self, "_stored_cooperative_id", self.cooperative_id)
        )
        if not (self._state.adding or moved):
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=router.db_for_write(type(self))):
            self.stamp_cooperative_facts(*cooperative_facts([self.cooperative_id])[self.cooperative_id])
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields,
                                           *(name for name in self.cooperative_copies if name not in update_fields)]
            super().save(*args, **kwargs)
        self._stored_cooperative_id = self.cooperative_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_cooperative_id = instance.__dict__.get("cooperative_id")
        return instance


class Member(KeepsCooperativeKecamatan, models.Model):
    """A member (anggota) of a cooperative.

    The NIK is stored encrypted with its keyed hash beside it; a member without an NIK says so
    explicitly (`has_nik` false), never with a placeholder such as "0".
    """

    # No index of its own: the two indexes below begin with it (see Meta.indexes).
    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("koperasi"), on_delete=models.PROTECT, related_name="members", db_index=False
    )
    # A copy of the cooperative's kecamatan (its desa's), so that the member list filtered by
    # kecamatan counts from one index range instead of one index lookup per cooperative of the
    # kecamatan (docs/benchmarks.md, "The member list's counts at national size"). Never entered:
    # `save()` sets it on a new member or one moved to another cooperative, the import's insert
    # with `stamp_cooperative_kecamatan`, and a cooperative moved to another desa (or a desa to
    # another kecamatan) rewrites its members' (registry.services.member_areas). NOT NULL, so that
    # a write path that forgets it fails instead of leaving a member out of its kecamatan's list.
    # Not in the member's history: it is the cooperative's fact, recorded in the cooperative's.
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan koperasi"), on_delete=models.PROTECT, related_name="+",
        editable=False, db_index=False,
    )
    # A copy of the cooperative's name, kept like the kecamatan above (and rewritten by a rename,
    # registry.services.member_areas), so that the member list's order (by cooperative, then name)
    # is one index of the member table: joined to the cooperatives, a page past the first ones
    # walked and sorted tens of thousands of rows at national size (docs/benchmarks.md, "The member
    # list's order on the member's own row"). Not in the member's history: the cooperative's.
    cooperative_name = models.CharField(_("nama koperasi"), max_length=200, editable=False)
    name = models.CharField(_("nama"), max_length=150)
    has_nik = models.BooleanField(_("punya NIK tercatat"), default=True)
    nik_encrypted = models.TextField(_("NIK (terenkripsi)"), blank=True, editable=False)
    nik_hash = models.CharField(_("hash NIK"), max_length=64, null=True, blank=True, editable=False, db_index=True)
    # The four digits a mask shows, kept apart so that lists and exports never decrypt to mask.
    nik_last4 = models.CharField(_("4 angka terakhir NIK"), max_length=4, blank=True, editable=False)
    # Whether digits 7-12 of the NIK agree with the birth date and sex entered (None: nothing to
    # compare). Kept beside the record because the NIK is encrypted: the data-quality list must not
    # decrypt a district's NIKs to find the few that disagree.
    nik_birth_agrees = models.BooleanField(_("bagian lahir NIK cocok"), null=True, blank=True, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    desa = models.ForeignKey(
        Desa, verbose_name=_("desa/kelurahan"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member_number = models.CharField(_("nomor anggota"), max_length=30, blank=True)
    joined_on = models.DateField(_("tanggal masuk"), null=True, blank=True)
    left_on = models.DateField(_("tanggal keluar"), null=True, blank=True)
    # Set when the member's personal data was erased (registry.services.erasure): the row stays as a
    # tombstone so that counts, the reveal log and the erasure log keep their reference.
    erased_at = models.DateTimeField(_("data pribadi dihapus pada"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["kecamatan", "cooperative_name"])

    # The area rule reads the member's own copy too: joined to the cooperatives of the area, a
    # limited Petugas's list filtered by kecamatan counted 10x slower than the district's.
    objects = area_queryset("kecamatan").as_manager()

    cooperative_copies = ("kecamatan", "cooperative_name")

    class Meta:
        # By the cooperative (its name, then its id, as the cooperatives' own order), then the member.
        ordering = ["cooperative_name", "cooperative_id", "name", "id"]
        verbose_name = _("anggota")
        verbose_name_plural = pgettext_lazy("jamak", "anggota")
        permissions = [
            ("reveal_nik", _("Dapat membuka NIK lengkap anggota")),
            ("erase_member", _("Dapat menghapus data pribadi anggota (atas permintaan)")),
        ]
        constraints = [
            # The copy of the cooperative's name is never empty (a cooperative's name never is): a bulk
            # writer that forgets it fails instead of listing its members under no cooperative.
            models.CheckConstraint(condition=~Q(cooperative_name=""), name="member_cooperative_name_copied"),
            models.UniqueConstraint(
                fields=["cooperative", "nik_hash"],
                condition=Q(nik_hash__isnull=False),
                name="member_unique_nik_in_cooperative",
                violation_error_message=_("NIK ini sudah terdaftar sebagai anggota koperasi ini."),
            ),
            models.CheckConstraint(
                condition=(Q(has_nik=True) & Q(nik_hash__isnull=False) & ~Q(nik_encrypted="") & ~Q(nik_last4=""))
                | (Q(has_nik=False) & Q(nik_hash__isnull=True) & Q(nik_encrypted="") & Q(nik_last4="")),
                name="member_nik_recorded_or_explicitly_absent",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="member_left_after_joined",
                violation_error_message=_("Tanggal keluar harus setelah tanggal masuk."),
            ),
        ]
        indexes = [
            # A cooperative's members by name (its profile, its export), and every lookup by cooperative.
            models.Index(fields=["cooperative", "name", "id"], name="member_cooperative_name"),
            # The member list's default order, from one index: each page starts at its row (keyset)
            # or counts its OFFSET off this index without a join or a sort.
            models.Index(fields=["cooperative_name", "cooperative", "name", "id"], name="member_list_order"),
            # Counting the members of an area by sex (the member list's filter) from the index alone:
            # with the cooperative's index only, PostgreSQL read each member's row to test its sex
            # (48 ms for one kecamatan at national size, 13 ms with this one).
            models.Index(fields=["cooperative", "sex"], name="member_cooperative_sex"),
            # The member list filtered by kecamatan (and sex), counted from one range of this index.
            models.Index(fields=["kecamatan", "sex"], name="member_kecamatan_sex"),
            # The active members of an area (a kecamatan-limited Petugas, or `?kecamatan=` with
            # `?aktif=`), counted from the index alone. Descending puts the NULLs (never left) first on
            # PostgreSQL, so the active ones come before the 20,000 who left and the count stops at its
            # bound (12.8 to 2.2 ms at national size); `?aktif=false` reads the other end as a range.
            models.Index(fields=["kecamatan", "-left_on"], name="member_kecamatan_left_on"),
        ]

    def __str__(self):
        return self.name

    def stamp_cooperative_facts(self, kecamatan, name):
        self.kecamatan_id, self.cooperative_name = kecamatan, name

    @property
    def nik(self):
        """The plain NIK (decrypted on demand), or None."""
        return nik_codec.decrypt_nik(self.nik_encrypted) if self.has_nik else None

    @nik.setter
    def nik(self, value):
        if value:
            value = nik_codec.normalise_nik(value)
            nik_codec.validate_nik(value)
            self.has_nik = True
            self.nik_encrypted = nik_codec.encrypt_nik(value)
            self.nik_hash = nik_codec.hash_nik(value)
            self.nik_last4 = nik_codec.last4(value)
            self.nik_birth_agrees = data_quality.nik_birth_agrees(value, self.birth_date, self.sex)
        else:
            self.has_nik = False
            self.nik_encrypted = ""
            self.nik_hash = None
            self.nik_last4 = ""
            self.nik_birth_agrees = None

    @property
    def nik_masked(self):
        """`************0001`, from the stored last four digits: no decryption."""
        return nik_codec.mask_nik(self.nik_last4)

    @property
    def birth_year(self):
        """`"1980"`: what a role without `reveal_nik` sees of the birth date (text: never `1.980`)."""
        return str(self.birth_date.year) if self.birth_date else ""

    @property
    def is_active(self):
        return self.left_on is None or self.left_on > timezone.localdate()

    def refresh_nik_check(self):
        """Compare the NIK with the birth date and sex as they now stand (after either changed)."""
        if not self.has_nik:
            self.nik_birth_agrees = None
            return
        # An import row holds its new NIK in clear until it is written (encryption is the slow part).
        nik = getattr(self, "_pending_nik", None) or self.nik
        self.nik_birth_agrees = data_quality.nik_birth_agrees(nik, self.birth_date, self.sex)

    def clean(self):
        super().clean()
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("Tanggal keluar harus setelah tanggal masuk.")})
        # Every write path validates the model (forms, the import), so the check follows every edit.
        self.refresh_nik_check()
