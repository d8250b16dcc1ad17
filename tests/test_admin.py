"""Django admin: every model's pages, member NIK protection, no deletion of cooperatives, roles."""

import datetime

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.urls import reverse

from registry.models import (
    BoardMember,
    Cooperative,
    Desa,
    Kecamatan,
    Member,
    RegionAlias,
    StatusChange,
    User,
    YearlyReport,
)
from registry.services.cooperatives import cooperative_change_status

from .builders import (
    MUARA_WAHAU,
    PASSWORD,
    SANGATTA_SELATAN,
    first_desa,
    make_board_member,
    make_cooperative,
    make_member,
    make_report,
    make_user,
)

pytestmark = pytest.mark.django_db

# Valid in form, fictitious: 640801 (Kutim), born 15/08/90, serial.
NIK = "6408011508900001"
OTHER_NIK = "6408011508900002"


def url(model, view, *args):
    return reverse(f"admin:registry_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    """The POST data of an admin form as it was rendered, to resubmit it with a few changes."""
    data = {}
    for field in response.context["adminform"].form:
        value, widget = field.value(), field.field.widget
        if isinstance(widget, forms.MultiWidget):  # date_joined: date and time inputs
            parts = widget.decompress(value)
            data.update({f"{field.name}_{i}": str(part) for i, part in enumerate(parts) if part is not None})
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[field.name] = "on"
        elif isinstance(value, (list, tuple)):
            data[field.name] = [str(item) for item in value]
        elif value is not None:
            data[field.name] = str(value)
    return data


def add_member_data(cooperative, **fields):
    return {"cooperative": cooperative.pk, "name": "Siti Aminah", "has_nik": "on", "nik": NIK, "sex": "P", **fields}


@pytest.fixture
def superuser():
    return User.objects.create_superuser(username="super", email="super@example.id", password=PASSWORD)


@pytest.fixture
def admin(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def cooperative():
    return make_cooperative(name="KSU Sawit Makmur", nomor_induk="6408010000001")


@pytest.fixture
def records(cooperative):
    """One row of every registry model, all belonging to the same cooperative."""
    status_change = cooperative_change_status(
        cooperative=cooperative, to_status=Cooperative.Status.INACTIVE, reason="Tiga tahun tanpa RAT",
        changed_on=datetime.date(2025, 1, 10),
    )
    return {
        Cooperative: cooperative,
        StatusChange: status_change,
        BoardMember: make_board_member(cooperative, BoardMember.Role.CHAIR),
        Member: make_member(cooperative, nik=NIK),
        YearlyReport: make_report(cooperative, 2024, members_male=10, members_female=5, total_assets=150_000_000),
        Kecamatan: Kecamatan.objects.get(code=MUARA_WAHAU),
        Desa: first_desa(MUARA_WAHAU),
        RegionAlias: RegionAlias.objects.first(),
        User: make_user("Petugas", kecamatan=[MUARA_WAHAU]),
    }


ALL_MODELS = [Kecamatan, Desa, RegionAlias, User, Cooperative, StatusChange, BoardMember, Member, YearlyReport]
# Registered by registry/admin/assessments.py; their pages are tested in tests/test_assessments.py.
ASSESSMENT_MODELS = ["RubricVersion", "RubricIndicator", "Assessment"]
# Registered by registry/admin_partnerships.py; their pages are tested in tests/test_partnerships.py.
PARTNERSHIP_MODELS = ["OutsideParty", "KecamatanNeighbour", "Partnership", "Training", "Finding"]
# Imports and exports: read-only records in the admin.
IMPORT_MODELS = ["ImportBatch", "ExportLog"]
# The erasure log: read-only (tests/test_erasure.py opens its list).
AUDIT_MODELS = ["MemberErasure"]
# The office's settings: their pages are tested in tests/test_rat_season.py.
OFFICE_MODELS = ["OfficeSettings"]
# What cooperatives send through the portal: read-only, tested in tests/test_portal_admin.py.
PORTAL_MODELS = ["Submission", "ChangeRequest"]


# ---------------------------------------------------------------------------------------------
# Every page of every model opens
# ---------------------------------------------------------------------------------------------


def test_admin_index_lists_every_model(admin):
    response = admin.get(reverse("admin:app_list", args=["registry"]))
    listed = {entry["object_name"] for entry in response.context["app_list"][0]["models"]}
    assert listed == ({model.__name__ for model in ALL_MODELS} | set(ASSESSMENT_MODELS) | set(PARTNERSHIP_MODELS)
                      | set(IMPORT_MODELS) | set(AUDIT_MODELS) | set(OFFICE_MODELS) | set(PORTAL_MODELS))


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda model: model.__name__)
def test_changelist_add_change_and_history_pages_open(admin, records, model):
    obj = records[model]
    assert admin.get(url(model, "changelist")).status_code == 200
    assert admin.get(url(model, "add")).status_code == 200
    assert admin.get(url(model, "change", obj.pk)).status_code == 200
    if model is not User:  # accounts keep no history table
        assert admin.get(url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize(
    ("model", "query"),
    [
        (Kecamatan, {"q": "wahau"}),
        (Desa, {"q": "jak luay", "kecamatan__code__exact": MUARA_WAHAU, "level__exact": "desa"}),
        (RegionAlias, {"q": "kong"}),
        (User, {"q": "user", "kecamatan__code__exact": MUARA_WAHAU, "is_staff__exact": "0"}),
        (Cooperative, {"q": "sawit", "status__exact": "tidak_aktif", "desa__kecamatan__code__exact": "64.08.04"}),
        (Cooperative, {"q": "6408010000001", "jenis__exact": "produsen", "palm_oil__exact": "1"}),
        (StatusChange, {"q": "sawit", "to_status__exact": "tidak_aktif", "changed_on__year": "2025"}),
        (BoardMember, {"q": "pengurus", "role__exact": "ketua", "menjabat": "ya"}),
        (Member, {"q": "anggota", "has_nik__exact": "1", "sex__exact": "L"}),
        (YearlyReport, {"q": "sawit", "year__exact": "2024", "financial_report__exact": "tidak_ada"}),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_changelist_with_search_and_filters(admin, records, model, query):
    response = admin.get(url(model, "changelist"), query)
    assert response.status_code == 200
    # An unknown filter parameter makes the admin redirect with ?e=1 instead of filtering.
    assert response.context["cl"].result_count == 1


def test_user_list_filters_by_role(admin, records):
    make_user("Pimpinan")
    petugas = Group.objects.get(name="Petugas")
    response = admin.get(url(User, "changelist"), {"groups__id__exact": petugas.pk})
    assert list(response.context["cl"].result_list) == [records[User]]


@pytest.mark.parametrize(("value", "expected"), [("ya", ["Ketua Kini"]), ("tidak", ["Ketua Lama"])])
def test_board_member_list_filters_by_current_term(admin, cooperative, value, expected):
    make_board_member(cooperative, BoardMember.Role.CHAIR, name="Ketua Kini")
    make_board_member(
        cooperative, BoardMember.Role.CHAIR, name="Ketua Lama",
        term_start=datetime.date(2018, 1, 1), term_end=datetime.date(2022, 12, 31),
    )
    response = admin.get(url(BoardMember, "changelist"), {"menjabat": value})
    assert [board_member.name for board_member in response.context["cl"].result_list] == expected


# ---------------------------------------------------------------------------------------------
# Member NIK (UU 27/2022)
# ---------------------------------------------------------------------------------------------


def test_member_list_shows_masked_nik_never_full(admin, records):
    response = admin.get(url(Member, "changelist"))
    assert "************0001" in response.text
    assert NIK not in response.text


def test_member_change_page_shows_four_digits_never_more(admin, records):
    response = admin.get(url(Member, "change", records[Member].pk))
    assert "************0001" in response.text
    assert NIK not in response.text
    assert NIK[:6] not in response.text
    assert records[Member].nik_encrypted not in response.text


@pytest.mark.parametrize("term", [NIK, "6408 0115 0890 0001", "640801.150890.0001"])
def test_member_search_by_full_nik_finds_the_member(admin, records, term):
    make_member(records[Cooperative], nik=OTHER_NIK)
    response = admin.get(url(Member, "changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [records[Member]]


def test_member_search_by_name_still_works(admin, records):
    make_member(records[Cooperative], name="Budi Santoso", nik=OTHER_NIK)
    response = admin.get(url(Member, "changelist"), {"q": "budi"})
    assert [member.name for member in response.context["cl"].result_list] == ["Budi Santoso"]


def test_adding_a_member_stores_the_nik_encrypted(admin, cooperative):
    response = admin.post(url(Member, "add"), add_member_data(cooperative, nik="6408 0115 0890 0001"))
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.nik == NIK
    assert NIK not in member.nik_encrypted
    assert member.nik_hash and NIK not in member.nik_hash


def test_duplicate_nik_in_the_same_cooperative_is_a_form_error(admin, cooperative):
    make_member(cooperative, nik=NIK)
    response = admin.post(url(Member, "add"), add_member_data(cooperative))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["nik"] == [
        "NIK ini sudah terdaftar sebagai anggota koperasi ini."
    ]
    assert Member.objects.count() == 1


def test_same_nik_in_another_cooperative_is_allowed(admin, cooperative):
    make_member(cooperative, nik=NIK)
    other = make_cooperative(kecamatan=SANGATTA_SELATAN)
    assert admin.post(url(Member, "add"), add_member_data(other)).status_code == 302
    assert Member.objects.filter(nik_hash=Member.objects.first().nik_hash).count() == 2


def test_moving_a_member_onto_a_cooperative_holding_the_same_nik_is_a_form_error(admin, cooperative):
    other = make_cooperative(kecamatan=SANGATTA_SELATAN)
    make_member(other, nik=NIK)
    member = make_member(cooperative, nik=NIK)
    data = form_data(admin.get(url(Member, "change", member.pk)))
    response = admin.post(url(Member, "change", member.pk), {**data, "cooperative": other.pk})
    assert response.context["adminform"].form.errors["cooperative"]


def test_member_without_nik_is_recorded_as_such(admin, cooperative):
    data = add_member_data(cooperative, nik="")
    del data["has_nik"]
    assert admin.post(url(Member, "add"), data).status_code == 302
    member = Member.objects.get()
    assert (member.has_nik, member.nik_hash, member.nik_encrypted) == (False, None, "")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"nik": ""}, "Isi NIK, atau hapus centang bila anggota tidak punya NIK."),
        ({"nik": "640801150890000"}, "NIK harus tepat 16 angka (0-9)."),
        ({"nik": "6408013513900001"}, "Bagian tanggal lahir NIK (digit 7-12) tidak mungkin: tanggal 35, bulan 13."),
        ({"has_nik": "", "nik": NIK}, "Kosongkan NIK, atau centang bahwa anggota punya NIK."),
    ],
)
def test_invalid_nik_input_is_a_form_error(admin, cooperative, fields, error):
    data = {key: value for key, value in add_member_data(cooperative, **fields).items() if value != ""}
    response = admin.post(url(Member, "add"), data)
    assert response.context["adminform"].form.errors["nik"] == [error]
    assert not Member.objects.exists()


def test_editing_a_member_keeps_the_nik_when_the_field_is_left_empty(admin, records):
    member = records[Member]
    data = form_data(admin.get(url(Member, "change", member.pk)))
    assert "nik" not in data  # the stored NIK is never put back into the form
    response = admin.post(url(Member, "change", member.pk), {**data, "name": "Nama Baru"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.nik, member.version) == ("Nama Baru", NIK, 2)


def test_replacing_a_member_nik(admin, records):
    member = records[Member]
    data = form_data(admin.get(url(Member, "change", member.pk)))
    admin.post(url(Member, "change", member.pk), {**data, "nik": OTHER_NIK})
    member.refresh_from_db()
    assert member.nik == OTHER_NIK


def test_a_nik_from_outside_kutim_saves_with_a_warning(admin, cooperative):
    response = admin.post(url(Member, "add"), add_member_data(cooperative, nik="3171011508900001"), follow=True)
    assert Member.objects.get().nik == "3171011508900001"
    assert "di luar Kutai Timur" in response.text


def test_member_history_shows_each_versions_nik_masked(admin, records):
    member = records[Member]
    data = form_data(admin.get(url(Member, "change", member.pk)))
    admin.post(url(Member, "change", member.pk), {**data, "nik": OTHER_NIK})
    member.refresh_from_db()
    response = admin.get(url(Member, "history", member.pk))
    assert "************0001" in response.text
    assert "************0002" in response.text
    for secret in (NIK, OTHER_NIK, member.nik_encrypted, member.nik_hash):
        assert secret not in response.text


def test_history_can_be_viewed_but_not_reverted(admin, records):
    member = records[Member]
    version_url = reverse(
        "admin:registry_member_simple_history", args=[member.pk, member.history.earliest().history_id]
    )
    assert admin.get(version_url).status_code == 200
    assert admin.post(version_url, {"name": "Dikembalikan"}).status_code == 403


# ---------------------------------------------------------------------------------------------
# Cooperatives are never deleted; their status moves through a recorded step
# ---------------------------------------------------------------------------------------------


def test_cooperative_cannot_be_deleted(admin, cooperative):
    assert admin.get(url(Cooperative, "delete", cooperative.pk)).status_code == 403
    assert admin.post(url(Cooperative, "delete", cooperative.pk), {"post": "yes"}).status_code == 403
    action_form = admin.get(url(Cooperative, "changelist")).context["action_form"]
    assert action_form is None or "delete_selected" not in dict(action_form.fields["action"].choices)
    assert Cooperative.objects.filter(pk=cooperative.pk).exists()


def test_status_change_cannot_be_deleted(admin, records):
    assert admin.get(url(StatusChange, "delete", records[StatusChange].pk)).status_code == 403


def test_cooperative_status_is_read_only_once_recorded(admin, cooperative):
    form = admin.get(url(Cooperative, "change", cooperative.pk)).context["adminform"].form
    assert "status" not in form.fields
    form = admin.get(url(Cooperative, "add")).context["adminform"].form
    assert "status" in form.fields


def test_editing_a_cooperative_bumps_its_version(admin, cooperative):
    data = form_data(admin.get(url(Cooperative, "change", cooperative.pk)))
    response = admin.post(url(Cooperative, "change", cooperative.pk), {**data, "phone": "0549 21000"})
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert (cooperative.phone, cooperative.version) == ("0549 21000", 2)


def test_adding_a_status_step_moves_the_cooperative(admin, superuser, cooperative):
    response = admin.post(url(StatusChange, "add"), {
        "cooperative": cooperative.pk, "to_status": "dalam_pembinaan", "changed_on": "2025-03-01",
        "reason": "Pembinaan RAT",
    })
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert (cooperative.status, cooperative.status_since) == ("dalam_pembinaan", datetime.date(2025, 3, 1))
    step = StatusChange.objects.get()
    assert (step.from_status, step.changed_by) == ("aktif", superuser)


@pytest.mark.parametrize(
    ("to_status", "error"),
    [
        ("aktif", "Koperasi sudah berstatus ini."),
        ("dibubarkan", "Status Aktif tidak bisa langsung menjadi Dibubarkan."),
    ],
)
def test_a_status_step_outside_the_lifecycle_is_a_form_error(admin, cooperative, to_status, error):
    response = admin.post(url(StatusChange, "add"), {
        "cooperative": cooperative.pk, "to_status": to_status, "changed_on": "2025-03-01", "reason": "Uji",
    })
    assert response.context["adminform"].form.errors["to_status"] == [error]
    assert not StatusChange.objects.exists()


# ---------------------------------------------------------------------------------------------
# Who reaches the admin
# ---------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_admin_login(client):
    response = client.get(url(Cooperative, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_petugas_cannot_reach_the_admin(client):
    client.force_login(make_user("Petugas"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={reverse('admin:index')}"


@pytest.fixture
def admin_dinas(client):
    client.force_login(make_user("Admin Dinas", is_staff=True))
    return client


def test_admin_dinas_changes_a_users_area(admin_dinas):
    petugas = make_user("Petugas", kecamatan=[MUARA_WAHAU])
    response = admin_dinas.get(url(User, "changelist"))
    assert response.status_code == 200
    assert "Muara Wahau" in response.text
    assert "Petugas" in response.text

    data = form_data(admin_dinas.get(url(User, "change", petugas.pk)))
    response = admin_dinas.post(url(User, "change", petugas.pk), {**data, "kecamatan": [SANGATTA_SELATAN]})
    assert response.status_code == 302
    assert petugas.kecamatan.get().code == SANGATTA_SELATAN


def test_a_user_without_area_is_listed_as_whole_district(admin_dinas):
    response = admin_dinas.get(url(User, "changelist"))
    assert "Seluruh kabupaten" in response.text


def test_admin_dinas_creates_an_account_with_role_and_area(admin_dinas):
    response = admin_dinas.post(url(User, "add"), {
        "username": "petugas.wahau", "usable_password": "true",
        "password1": "sawit-wahau-2025", "password2": "sawit-wahau-2025",
        "groups": [Group.objects.get(name="Petugas").pk], "kecamatan": [MUARA_WAHAU],
    })
    assert response.status_code == 302
    user = User.objects.get(username="petugas.wahau")
    assert (user.role_names, user.area_codes) == (["Petugas"], [MUARA_WAHAU])


def test_a_short_password_is_refused(admin_dinas):
    response = admin_dinas.post(url(User, "add"), {
        "username": "pendek", "usable_password": "true", "password1": "Sawit-2025", "password2": "Sawit-2025",
    })
    assert response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(username="pendek").exists()


def test_a_staff_user_limited_to_a_kecamatan_gets_no_registry_records(client, records):
    client.force_login(make_user("Admin Dinas", is_staff=True, kecamatan=[MUARA_WAHAU]))
    for model in (Cooperative, StatusChange, BoardMember, Member, YearlyReport):
        assert client.get(url(model, "changelist")).status_code == 403
        assert client.get(url(model, "change", records[model].pk)).status_code == 403
        assert client.get(url(model, "history", records[model].pk)).status_code == 403
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "registry", "model_name": "member", "field_name": "cooperative", "term": "sawit",
    })
    assert response.status_code == 403


# ---------------------------------------------------------------------------------------------
# No N+1 on the busy lists
# ---------------------------------------------------------------------------------------------


def test_cooperative_changelist_queries(admin, django_assert_num_queries):
    for kecamatan in (MUARA_WAHAU, SANGATTA_SELATAN) * 3:
        make_cooperative(kecamatan=kecamatan)
    admin.get(url(Cooperative, "changelist"))  # the first request reads the user's access
    with django_assert_num_queries(5):
        # session, user with the access token (area and roles from the cache: registry/access.py),
        # kecamatan filter choices, the bounded count (no second count of the whole table:
        # tests/test_admin_scale.py), the page of cooperatives joined with desa and kecamatan
        response = admin.get(url(Cooperative, "changelist"))
    assert len(response.context["cl"].result_list) == 6


def test_member_changelist_queries(admin, django_assert_num_queries):
    for kecamatan in (MUARA_WAHAU, SANGATTA_SELATAN):
        cooperative = make_cooperative(kecamatan=kecamatan)
        for serial in range(4):
            make_member(cooperative, nik=f"6408011508{serial:06d}" if serial else None)
    admin.get(url(Member, "changelist"))  # the first request reads the user's access
    with django_assert_num_queries(5):
        # session, user with the access token (area and roles from the cache: registry/access.py),
        # kecamatan filter choices, the bounded count, the page of members joined with their cooperative
        response = admin.get(url(Member, "changelist"))
    assert len(response.context["cl"].result_list) == 8


def test_user_changelist_queries(admin, django_assert_num_queries):
    for kecamatan in (MUARA_WAHAU, SANGATTA_SELATAN, None):
        make_user("Petugas", kecamatan=[kecamatan] if kecamatan else ())
    admin.get(url(User, "changelist"))  # the first request reads the user's access
    with django_assert_num_queries(9):
        # session, user with the access token (area and roles from the cache: registry/access.py), role and
        # kecamatan filter choices, filtered count, total count, the page of users, their groups and
        # their kecamatan (prefetched)
        response = admin.get(url(User, "changelist"))
    assert len(response.context["cl"].result_list) == 4
