"""Django admin at national size: bounded counts, the planner's estimate, indexed search, autocomplete.

At 3 million members the admin's own changelist counted the whole table twice per page and
searched unindexed columns; registry/admin/base.py (BoundedCountMixin) and the admins' search
fields keep every changelist of a large table to work that does not grow with the table.
"""

import importlib

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget
from django.db import connection
from django.forms import ModelChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.admin.base import BookYearFilter, BoundedCountMixin
from registry.models import (
    Assessment,
    BoardMember,
    Cooperative,
    ExportLog,
    ImportBatch,
    Member,
    StatusChange,
    User,
    YearlyReport,
    last_full_year,
)
from registry.paginators import BoundedCountPaginator

from .builders import (
    MUARA_WAHAU,
    PASSWORD,
    SANGATTA_UTARA,
    make_board_member,
    make_cooperative,
    make_member,
    make_report,
    pin_table_estimates,
)

pytestmark = pytest.mark.django_db

# The tables that reach hundreds of thousands or millions of rows at national size.
LARGE_TABLES = [Cooperative, StatusChange, BoardMember, Member, YearlyReport, Assessment, ImportBatch, ExportLog]
# Whose search must read indexed columns only (the import and export logs stay small enough to scan).
SEARCHED_LARGE_TABLES = [Cooperative, StatusChange, BoardMember, Member, YearlyReport, Assessment]


@pytest.fixture
def admin(client):
    client.force_login(User.objects.create_superuser(username="super", email="s@example.id", password=PASSWORD))
    return client


@pytest.fixture
def small_bound(monkeypatch):
    """A bound of 3 rows stands in for 10,000: six rows are then "a large table", counted as
    "more than 3" while the members' table is never analysed (a test's ANALYZE outlives its rollback)."""
    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 3)
    pin_table_estimates(-1, Member)


@pytest.fixture
def six_members():
    cooperative = make_cooperative(name="KSU Sawit Makmur", kecamatan=MUARA_WAHAU)
    return [make_member(cooperative, name=f"Siti {n}", nik=None) for n in range(6)]


def changelist(model):
    return reverse(f"admin:registry_{model._meta.model_name}_changelist")


def counts(queries):
    return [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


@pytest.mark.parametrize("model", LARGE_TABLES, ids=lambda model: model.__name__)
def test_large_tables_page_with_the_bounded_count_and_no_total(model):
    model_admin = django_admin.site._registry[model]
    assert isinstance(model_admin, BoundedCountMixin)
    assert model_admin.paginator is BoundedCountPaginator
    assert model_admin.show_full_result_count is False


def test_member_changelist_counts_at_most_the_bound(admin, small_bound, six_members):
    with CaptureQueriesContext(connection) as queries:
        response = admin.get(changelist(Member))
    # One count, of at most bound + 1 rows: a LIMIT inside it, and no second count for "N total".
    [count] = counts(queries)
    assert "LIMIT 4" in count
    assert response.context["cl"].result_count == 4
    assert response.context["cl"].full_result_count is None
    assert "lebih dari 3 anggota" in response.text
    assert "6 anggota" not in response.text


def test_under_the_bound_the_count_is_exact(admin, six_members):
    response = admin.get(changelist(Member))
    assert response.context["cl"].result_count == 6
    assert response.context["cl"].paginator.count_is_exact
    assert "6 anggota" in response.text


def test_the_whole_table_beyond_the_bound_shows_the_planners_estimate(admin, small_bound, six_members, monkeypatch):
    asked = []

    def estimate(paginator):
        asked.append(paginator.estimate_table)
        return 2_990_000 if paginator.estimate_table else None

    monkeypatch.setattr(BoundedCountPaginator, "_table_estimate", estimate)
    response = admin.get(changelist(Member))
    assert asked == ["registry_member"]
    assert "sekitar 2.990.000 anggota" in response.text
    assert "perkiraan dari statistik basis data" in response.text


@pytest.mark.parametrize(
    "query", [{"q": "siti"}, {"sex__exact": "L"}, {"cooperative__desa__kecamatan__code__exact": MUARA_WAHAU}]
)
def test_a_filtered_or_searched_list_is_not_the_table_and_gets_no_estimate(admin, small_bound, six_members,
                                                                            monkeypatch, query):
    monkeypatch.setattr(BoundedCountPaginator, "_table_estimate", lambda paginator: paginator.estimate_table and 99)
    response = admin.get(changelist(Member), query)
    assert response.context["cl"].paginator.estimate_table is None
    assert "lebih dari 3 anggota" in response.text


def test_search_result_line_says_the_bound_not_a_number(admin, small_bound, six_members):
    response = admin.get(changelist(Member), {"q": "siti"})
    assert "4 hasil" not in response.text and "4 results" not in response.text
    assert response.text.count("lebih dari 3 anggota") == 2  # the search line and the paginator


def test_pages_stop_at_the_bound_and_open(admin, small_bound, six_members, monkeypatch):
    monkeypatch.setattr(django_admin.site._registry[Member], "list_per_page", 2)
    response = admin.get(changelist(Member), {"p": 2})
    assert response.status_code == 200
    assert response.context["cl"].paginator.num_pages == 2  # 4 counted rows: "more than 3"


def test_select_all_names_no_number_it_does_not_know(admin, small_bound, monkeypatch):
    cooperative = make_cooperative()
    for year in range(2018, 2024):
        make_report(cooperative, year)
    monkeypatch.setattr(django_admin.site._registry[YearlyReport], "list_per_page", 2)
    response = admin.get(changelist(YearlyReport))  # the delete action gives it the action bar
    assert "Pilih semua laporan tahunan (keragaan) di semua halaman" in response.text
    assert "Select all 4" not in response.text and "Pilih semua 4" not in response.text


def test_select_all_keeps_its_number_when_the_count_is_exact(admin, monkeypatch):
    cooperative = make_cooperative()
    for year in range(2018, 2024):
        make_report(cooperative, year)
    monkeypatch.setattr(django_admin.site._registry[YearlyReport], "list_per_page", 2)
    response = admin.get(changelist(YearlyReport))
    assert "di semua halaman" not in response.text
    assert "6 laporan tahunan (keragaan)" in response.text


# ---------------------------------------------------------------------------------------------
# Search over indexed columns only
# ---------------------------------------------------------------------------------------------

# Columns a search may read: a B-tree index (db_index, unique) or a trigram index on
# UPPER(column) (the expression Django writes for icontains; PostgreSQL only).
TRIGRAM_MIGRATIONS = {
    "registry_cooperative": ("0005_workspace_nik_reveal", "TRIGRAM_COLUMNS"),
}


def trigram_columns():
    found = set()
    for table, (migration, name) in TRIGRAM_MIGRATIONS.items():
        module = importlib.import_module(f"registry.migrations.{migration}")
        found |= {(table, column) for column in getattr(module, name)}
    people = importlib.import_module("registry.migrations.0033_people_name_search_indexes")
    return found | set(people.TRIGRAM_COLUMNS)


def search_column(model, path):
    """(table, column) at the end of a search field path such as cooperative__name."""
    *relations, name = path.lstrip("^=@").split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.get_field(name)
    return model._meta.db_table, field.column, field


@pytest.mark.parametrize("model", SEARCHED_LARGE_TABLES, ids=lambda model: model.__name__)
def test_large_tables_search_only_indexed_columns(model):
    indexed_by_trigram = trigram_columns()
    for path in django_admin.site._registry[model].search_fields:
        table, column, field = search_column(model, path)
        assert (table, column) in indexed_by_trigram or field.db_index or field.unique, (
            f"{model.__name__} searches {path}, which no index answers"
        )


@pytest.mark.postgres
def test_the_trigram_indexes_exist_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE '%%gin_trgm_ops%%'")
        definitions = cursor.fetchall()
    for table, column in trigram_columns():
        assert any(t == table and f"upper(({column})::text)" in d for t, d in definitions), (table, column)


def test_member_search_by_name_but_not_by_an_unindexed_member_number(admin, six_members):
    make_member(six_members[0].cooperative, name="Budi", member_number="SITI-7", nik=None)
    response = admin.get(changelist(Member), {"q": "siti"})
    assert sorted(member.name for member in response.context["cl"].result_list) == [f"Siti {n}" for n in range(6)]


def test_board_member_search_by_name(admin):
    cooperative = make_cooperative()
    make_board_member(cooperative, BoardMember.Role.CHAIR, name="Hj. Rusmini")
    make_board_member(cooperative, BoardMember.Role.SECRETARY, name="Yusuf")
    response = admin.get(changelist(BoardMember), {"q": "rusmini"})
    assert [board.name for board in response.context["cl"].result_list] == ["Hj. Rusmini"]


# ---------------------------------------------------------------------------------------------
# Foreign keys to large tables: an autocomplete (or a raw id), never a <select> of every row
# ---------------------------------------------------------------------------------------------


def test_every_foreign_key_to_a_large_table_is_an_autocomplete(rf):
    """Every form field choosing a row of a large table, in every admin and inline that can be
    written: an autocomplete (or a raw id), never a <select> that renders every row."""
    request = rf.get("/")
    request.user = User.objects.create_superuser(username="super", email="s@example.id", password=PASSWORD)
    checked = []
    for model_admin in django_admin.site._registry.values():
        forms_to_check = []
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
            forms_to_check.append(model_admin.get_form(request))
        for inline in model_admin.get_inline_instances(request):
            if inline.has_add_permission(request, None) or inline.has_change_permission(request):
                forms_to_check.append(inline.get_formset(request).form)
        for form in forms_to_check:
            for name, field in form.base_fields.items():
                if not isinstance(field, ModelChoiceField) or field.queryset.model not in LARGE_TABLES:
                    continue
                widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
                assert isinstance(widget, (AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget)), (
                    f"{form.__name__}.{name} is a <select> of every {field.queryset.model.__name__}"
                )
                checked.append(f"{form._meta.model.__name__}.{name}")
    # The walk reached the forms that matter (a rename must not empty it).
    assert {"Member.cooperative", "BoardMember.cooperative", "StatusChange.cooperative",
            "TrainingParticipant.board_member"} <= set(checked)


def test_cooperative_autocomplete_finds_by_name_and_pages_with_the_bound(admin, small_bound, monkeypatch):
    monkeypatch.setattr(AutocompleteJsonView, "paginate_by", 2)
    for n in range(6):
        make_cooperative(name=f"KUD Sawit {n}", kecamatan=SANGATTA_UTARA)
    make_cooperative(name="Koperasi Nelayan")
    pages = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = admin.get(reverse("admin:autocomplete"), {
                "app_label": "registry", "model_name": "member", "field_name": "cooperative", "term": "sawit",
                "page": page,
            })
        assert response.status_code == 200
        assert all("LIMIT 4" in count for count in counts(queries))
        pages.append(response.json())
    assert [row["text"] for row in pages[0]["results"]] == ["KUD Sawit 0", "KUD Sawit 1"]
    assert pages[0]["pagination"]["more"] is True
    # Counted up to the bound (3 + 1 rows): two pages of two, then "refine the search".
    assert [row["text"] for row in pages[1]["results"]] == ["KUD Sawit 2", "KUD Sawit 3"]
    assert pages[1]["pagination"]["more"] is False


def test_cooperative_search_by_name_and_kecamatan_reads_the_cooperative_table_only(admin):
    wanted = make_cooperative(name="KSU Sawit Makmur", kecamatan=MUARA_WAHAU)
    make_cooperative(name="KSU Sawit Makmur", kecamatan=SANGATTA_UTARA)
    make_cooperative(name="Koperasi Nelayan", kecamatan=MUARA_WAHAU, legal_entity_number="AHU-0000667.AH.01")
    with CaptureQueriesContext(connection) as queries:
        response = admin.get(changelist(Cooperative), {"q": "sawit wahau"})
    assert list(response.context["cl"].result_list) == [wanted]
    # The words' desa are looked up first; the count then joins nothing (each condition has an index).
    [count] = counts(queries)
    assert "JOIN" not in count.upper()
    response = admin.get(changelist(Cooperative), {"q": "0000667 wahau"})
    assert [c.name for c in response.context["cl"].result_list] == ["Koperasi Nelayan"]


def test_book_year_filter_reads_no_distinct_years_from_the_table(admin):
    cooperative = make_cooperative()
    for year in (1999, 2020, 2024):
        make_report(cooperative, year)
    with CaptureQueriesContext(connection) as queries:
        response = admin.get(changelist(YearlyReport))
    assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"].upper()]
    [year_filter] = [f for f in response.context["cl"].filter_specs if isinstance(f, BookYearFilter)]
    offered = [value for value, _label in year_filter.lookup_choices]
    assert offered[0] == str(last_full_year()) and len(offered) == 15 and "1999" not in offered
    assert [r.year for r in admin.get(changelist(YearlyReport), {"year__exact": "2020"}).context["cl"].result_list] \
        == [2020]
    # An older year typed in the address filters too, and shows as chosen.
    response = admin.get(changelist(YearlyReport), {"year__exact": "1999"})
    assert [r.year for r in response.context["cl"].result_list] == [1999]
    assert "1999" in [value for value, _label in response.context["cl"].filter_specs[0].lookup_choices]
    # Not a year: the admin's own "invalid filter" answer, never a 500.
    assert admin.get(changelist(YearlyReport), {"year__exact": "20x4"}).status_code == 302
