"""Pagination that stays fast on large tables: no exact COUNT(*) over the whole table per page, and
pages that continue from a row (keyset) instead of skipping OFFSET rows."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.core.paginator import InvalidPage, Paginator
from django.db import connection, connections
from django.db.models import F, Q
from django.db.models.expressions import RawSQL

# Row comparisons `(a, b) > (x, y)`: Django's own (the composite primary key uses them), not yet
# documented as public API; SQLite and PostgreSQL both run them natively.
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThanOrEqual, TupleLessThanOrEqual
from django.http import Http404
from django.utils.functional import cached_property

# PostgreSQL's estimate of a table's rows (-1 when never analysed): the one figure every path reads.
TABLE_ESTIMATE_SQL = "SELECT reltuples::bigint FROM pg_class WHERE relname = %s"


class BoundedCountPaginator(Paginator):
    """Counts at most `count_limit` + 1 rows; beyond that the count is a bound or an estimate.

    An exact count of 130,000 cooperatives (or 3 million members) on every page costs more than
    the page itself on PostgreSQL. Up to `count_limit` the count is exact. Beyond it, when the view
    says the list is the whole table (`estimate_table`), PostgreSQL's planner estimate
    (pg_class.reltuples) is used and shown as "about"; otherwise the count is shown as "more than"
    the limit, and the pages stop there (refine the filter to go further).
    """

    count_limit = 10_000
    # A search (`?q=`) is for finding records; counting them is the filters' and the dashboards'
    # work. Its count is exact up to this many matches and "more than 1,000" beyond, which still
    # tells a searcher to narrow the words. Counting a search costs one check of the words per
    # matching row (a substring match reads each candidate's table row, whatever the index), so a
    # common word ("sawit", in 40% of cooperative names) cost 10,001 such checks on every page;
    # at 1,001 it reads a tenth as many rows (docs/benchmarks.md, "A search's count"). Nothing is
    # out of reach: "Berikutnya" continues past the bound, as it does past 10,000.
    search_count_limit = 1_000

    def __init__(self, *args, estimate_table=None, counted_rows=None, searched=False, **kwargs):
        """`counted_rows`: the same rows as the list, without the joins only a page's rows need
        (a count keeps every annotation's join, and PostgreSQL keeps an inner join); the list itself
        when None. `searched`: the list is a search, counted up to `search_count_limit` only."""
        super().__init__(*args, **kwargs)
        self.estimate_table = estimate_table
        self.counted_rows = counted_rows
        self.searched = searched
        if searched:
            self.count_limit = min(self.count_limit, self.search_count_limit)
        self.count_is_exact = True
        self.count_is_estimate = False

    # A numbered page starting this many rows in reads its rows' ids first (see `page_rows_at`).
    deferred_join_offset = 1_000

    @cached_property
    def count(self):
        rows = self.object_list if self.counted_rows is None else self.counted_rows
        bounded_rows = rows.order_by()[: self.count_limit + 1]
        if self.estimate_table and connection.vendor == "postgresql":
            bounded = self._bounded_count_unless_estimated(bounded_rows)
            if bounded is None:
                self.count_is_exact = False
                self.count_is_estimate = True
                return self._estimate
        else:
            bounded = bounded_rows.count()
        return self._shown_count(bounded)

    # The column a whole table's rows carry its estimate in (`with_table_estimate`).
    ESTIMATE_COLUMN = "table_estimate_read_with_rows"

    def with_table_estimate(self, rows):
        """`rows` (a page of the list) with the whole table's estimate as a column of each, where the
        list is the whole table: PostgreSQL reads it once for the statement (an InitPlan). When the
        estimate alone says far more rows than the bound, `take_table_estimate` then makes it the
        count, and the count's own statement, with its round trip and its compiling, is not run:
        one query fewer on the first and keyset pages of the whole district's cooperatives and members."""
        if not self.estimate_table or connection.vendor != "postgresql":
            return rows
        estimate = RawSQL(TABLE_ESTIMATE_SQL, [self.estimate_table])
        return rows.annotate(**{self.ESTIMATE_COLUMN: estimate})

    def take_table_estimate(self, rows):
        """The count from the estimate that `rows` were read with (`with_table_estimate`), when it is
        more than twice the bound: what `_bounded_count_unless_estimated` decides, from the same
        figure, without its statement. Otherwise (an estimate near or under the bound, a table never
        analysed, no rows, rows read without it) the count is left to its own statement."""
        estimate = getattr(rows[0], self.ESTIMATE_COLUMN, None) if rows else None
        if estimate is None or estimate <= 2 * self.count_limit:
            return
        self._estimate = int(estimate)
        self.count_is_exact = False
        self.count_is_estimate = True
        self.count = self._estimate  # the cached_property's value

    def _bounded_count_unless_estimated(self, bounded_rows):
        """The whole table's bounded count, or None when its estimate alone says far more rows.

        Counting 10,001 rows of a table of millions only learns "more than 10,000", after which the
        estimate is shown anyway (1.3 ms of SQL per page at national size). One statement reads the
        estimate and counts only when the estimate is more than twice the bound: a table that small,
        or never analysed (-1), or whose estimate lags a large delete, is counted as before, so a
        list near the bound never shows an estimate where an exact count is cheap. The estimate
        read is kept for `_table_estimate`: no second statement for it."""
        try:
            inner, params = bounded_rows.values("pk").query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing: Django writes no SQL for it
            self._estimate = None
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_size.n, CASE WHEN table_size.n > %s THEN NULL "
                f"ELSE (SELECT COUNT(*) FROM ({inner}) AS bounded) END "
                f"FROM (SELECT ({TABLE_ESTIMATE_SQL}) AS n) AS table_size",
                [2 * self.count_limit, *params, self.estimate_table],
            )
            estimate, bounded = cursor.fetchone()
        self._estimate = int(estimate) if estimate and estimate > 0 else None
        return bounded

    def _shown_count(self, bounded):
        """The count to show for `bounded`, the rows counted up to the bound plus one: itself up to
        the bound, beyond it the table's estimate where the list is the whole table, else the bound."""
        if bounded <= self.count_limit:
            return bounded
        self.count_is_exact = False
        estimate = self._table_estimate()
        if estimate and estimate > bounded:
            self.count_is_estimate = True
            return estimate
        return bounded

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.page_rows_at(bottom, top), number, self)

    def page_rows_at(self, bottom, top):
        """The rows from `bottom` to `top` in the list's order.

        Deep in the list (`?page=1000`, row 25,000, reached by typing the address or an old link;
        the page links themselves continue by keyset past the first pages), OFFSET makes the
        database build and throw away every skipped row whole, with its joins. A "deferred join"
        skips them in the counted rows instead, which carry no join only the shown rows need and
        whose ids the list's order index can give alone, and then reads the page's rows by those
        ids in the same order: the same rows as the OFFSET, since both read one order that ends
        with the primary key. Near the top the plain OFFSET is as cheap and keeps its plan."""
        if self.counted_rows is None or bottom < self.deferred_join_offset:
            return self.object_list[bottom:top]
        return self.object_list.filter(pk__in=self.counted_rows.values("pk")[bottom:top])

    def _table_estimate(self):
        if not self.estimate_table or connection.vendor != "postgresql":
            return None
        if hasattr(self, "_estimate"):  # read with the count
            return self._estimate
        with connection.cursor() as cursor:
            cursor.execute(TABLE_ESTIMATE_SQL, [self.estimate_table])
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] and row[0] > 0 else None


def read_ids(ids):
    """The values of `ids` (a values_list of one column) as a list; on PostgreSQL as one array in
    one row: thousands of rows through the ORM cost more than the statement itself (10,001 ids of
    a search, 20,001 cooperatives named in a partnership search)."""
    database = connections[ids.db]
    if database.vendor != "postgresql":
        return list(ids)
    sql, params = ids.query.sql_with_params()
    with database.cursor() as cursor:
        cursor.execute(f"SELECT ARRAY({sql})", params)
        return cursor.fetchone()[0]


class MatchingIdsPaginator(BoundedCountPaginator):
    """A bounded count and a page from one read of the matching ids, for a filter costly per row.

    `counted_rows` (in the list's order) gives the ids of its first `count_limit` + 1 rows in one
    statement: the count is how many there are, a numbered page is its slice of them, and the
    page's rows are read by those ids. A search tests three columns of every row it reads; counting
    the matches and then finding the first page's rows read the same rows twice, and at national
    size each read costs more than the whole page should (docs/benchmarks.md, "The cooperative
    search at national size"). Read in the list's order, the ids stop where the count stops.
    """

    @cached_property
    def matching_ids(self):
        return read_ids(self.counted_rows.values_list("pk", flat=True)[: self.count_limit + 1])

    @cached_property
    def count(self):
        return self._shown_count(len(self.matching_ids))

    def page_rows_at(self, bottom, top):
        if top > len(self.matching_ids):  # beyond the ids read (an estimated count): as any list
            return super().page_rows_at(bottom, top)
        # The ids are in the list's order; `object_list` keeps it (and its annotations) for those rows.
        return self.object_list.filter(pk__in=self.matching_ids[bottom:top])


# ---------------------------------------------------------------------------------------------
# Keyset ("seek") pages: the next page starts after the last row shown, not after OFFSET rows
# ---------------------------------------------------------------------------------------------

# The query string of a page that continues from a row: the id of the last row shown (next page) or
# of the first row shown (previous page). Only an id: never a name or an NIK in an address.
AFTER = "setelah"
BEFORE = "sebelum"
NUMBERED_PAGES = 10  # numbered links (OFFSET, cheap this near the start) go up to this page


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order, as an ORM path (`name`, `cooperative__name`)."""

    path: str
    descending: bool
    nullable: bool

    def order(self, *, reverse=False):
        """Its ORDER BY term. A NULL sorts as the largest value on every database (PostgreSQL's own
        default, so its plain indexes still serve the order; SQLite puts NULL first unless told)."""
        descending = self.descending != reverse
        if not self.nullable:
            return f"-{self.path}" if descending else self.path
        return F(self.path).desc(nulls_first=True) if descending else F(self.path).asc(nulls_last=True)


def _field_path(model, path):
    """The fields a lookup path walks through, from `model`."""
    fields = []
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        fields.append(field)
        model = field.related_model if field.is_relation else model
    return fields


def _expand(model, item, *, prefix="", descending=False, nullable=False):
    """Sort keys of one ordering item, a relation replaced by its model's own ordering (as Django does)."""
    if not isinstance(item, str) or item == "?":
        raise ValueError(f"keyset pages need an ordering by field names, not {item!r}")
    if item.startswith("-"):
        item, descending = item[1:], not descending
    fields = _field_path(model, item)
    last = fields[-1]
    if last.primary_key and item.split("__")[-1] == "pk":
        item = item.removesuffix("pk") + last.name
    path = prefix + item
    nullable = nullable or any(getattr(f, "null", False) for f in fields)
    # A relation's own column (`cooperative_id`) sorts by the id, as SQL does: not by the related
    # model's ordering, which its name (`cooperative`) means.
    if not last.is_relation or item.split("__")[-1] == last.attname != last.name:
        return [SortKey(path, descending, nullable)]
    related = last.related_model
    return [
        key
        for sub in (related._meta.ordering or [related._meta.pk.name])
        for key in _expand(related, sub, prefix=f"{path}__", descending=descending, nullable=nullable)
    ]


def sort_keys(queryset):
    """The columns a queryset is ordered by, ending with its primary key (added when missing), so
    that every row has one place and a page can start right after any row."""
    model = queryset.model
    ordering = queryset.query.order_by or (model._meta.ordering if queryset.query.default_ordering else ())
    keys = [key for item in ordering for key in _expand(model, item)]
    pk = model._meta.pk.name
    if not any(key.path in (pk, "pk") for key in keys):
        keys.append(SortKey(pk, False, False))
    return keys


def _beyond(key, value, *, forward):
    """Rows whose `key` lies strictly past `value` in the walking direction (NULL is the largest)."""
    if forward != key.descending:  # towards larger values
        if value is None:
            return Q(pk__in=[])
        beyond = Q(**{f"{key.path}__gt": value})
        return beyond | Q(**{f"{key.path}__isnull": True}) if key.nullable else beyond
    if value is None:
        return Q(**{f"{key.path}__isnull": False})
    return Q(**{f"{key.path}__lt": value})


def _table(key):
    """The relation a key's column sits behind ("" for the list's own table)."""
    return key.path.rpartition("__")[0]


def seek_q(keys, values, *, forward=True):
    """The rows after (`forward`) or before the row whose sort values are `values`, in the order `keys`.

    One direction and no NULL: a row comparison `(name, id) >= ('Maju', 42)` less that row, which PostgreSQL
    answers from an index on (name, id) starting at that row. Otherwise the same comparison spelled
    out (`name > 'Maju' OR (name = 'Maju' AND id > 42)`). Spelled out, or running over two tables
    (the members by their cooperative's name, then their own), the first key gets its own, weaker
    bound beside it (`cooperative.name >= 'Maju'`): PostgreSQL takes neither form to an index, but
    this bound starts the first key's index at the row instead of reading the list from its top.
    """
    ascending = forward != keys[0].descending
    seek_by_row = len({key.descending for key in keys}) == 1 and not any(key.nullable for key in keys)
    if seek_by_row:
        # `>=` and the row itself left out, rather than `>`: the same rows, but PostgreSQL estimates a
        # row comparison by its first column alone, and `status > 'aktif'` for a cursor in the last
        # status (no row strictly beyond in that column) reads as one row, after which it joins and
        # sorts the whole rest of the list instead of walking the index and stopping at the page.
        lookup = TupleGreaterThanOrEqual if ascending else TupleLessThanOrEqual
        seek = Q(lookup(Tuple(*(F(key.path) for key in keys)), tuple(values)))
        seek &= ~Q(**{key.path: value for key, value in zip(keys, values, strict=True)})
    else:
        seek = Q(pk__in=[])
        equal = Q()
        for key, value in zip(keys, values, strict=True):
            seek |= equal & _beyond(key, value, forward=forward)
            equal &= Q(**{f"{key.path}__isnull": True}) if value is None else Q(**{key.path: value})
    first, value = keys[0], values[0]
    one_table = len({_table(key) for key in keys}) == 1
    # NULL is the largest value: walking towards larger values, NULLs lie beyond any bound.
    if (not one_table or not seek_by_row) and value is not None and not (first.nullable and ascending):
        seek &= Q(**{f"{first.path}__{'gte' if ascending else 'lte'}": value})
    return seek


class KeysetPage(Sequence):
    """A page that continues from a row: the same face as Django's Page for the templates, without
    a number (counting the rows before it is the cost this page avoids)."""

    number = None

    def __init__(self, object_list, paginator, *, has_previous, has_next):
        self.object_list = object_list
        self.paginator = paginator
        self._has_previous = has_previous
        self._has_next = has_next

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_previous(self):
        return self._has_previous

    def has_next(self):
        return self._has_next

    def has_other_pages(self):
        return self._has_previous or self._has_next


def is_whole_table(queryset):
    """Whether `queryset` holds every row of its table: no condition (no filter, search, area or
    `none()`), no grouping, no DISTINCT and no slice. Joins to required foreign keys and annotations
    of other tables add columns, not rows."""
    query = queryset.query
    return not (query.where or query.group_by or query.distinct or query.combinator or query.is_sliced)


class KeysetPaginationMixin:
    """Pages of a list view that cost the same at row 25,000 as at row 1.

    The first NUMBERED_PAGES pages keep their numbers (`?page=N`, OFFSET); "Berikutnya" and
    "Sebelumnya" continue from the last or first row shown (`?setelah=<id>`, `?sebelum=<id>`): the
    view reads that row's sort values by its id through the user's own records (`for_user`), then
    seeks past them. A cursor that is no row of the user's area is a 404, as that record's own page
    would be; a malformed one is refused by the query string rules (registry/query_params.py). A row
    still in the area but no longer matching the filter keeps its place in the order, so the next
    page is still right. The count above the list stays the view's own paginator's (bounded,
    estimated or exact), so a list behind a dashboard figure still shows that figure.
    """

    paginator_class = BoundedCountPaginator

    def keyset_rows(self):
        """The records a cursor may name: the user's own, before any filter."""
        return self.get_queryset().model._default_manager.for_user(self.request.user)

    def page_rows(self, rows):
        """The filtered rows with what only the rows shown need (names joined in). The count reads
        the rows without it: a count keeps every annotation's join, and PostgreSQL keeps an inner join."""
        return rows

    def read_rows(self, queryset, limit, *, forward=True, past=None):
        """The first `limit` rows of `queryset` in its order: the list's first page, or the rows past
        a row (`past`, that row's sort values) that `queryset` already seeks past, ordered backwards
        for a page before it (not `forward`). A view may read them by a cheaper statement with the
        same rows."""
        return list(queryset[:limit])

    def searched(self):
        """Whether the list is a search by words (`?q=`, on every list that has one)."""
        return bool(self.request.GET.get("q", "").strip())

    # A list whose table grows far past the count's bound at national size (assessments,
    # partnerships). When its query is the whole table (no filter and no area: `is_whole_table`
    # decides, so an area-limited user's list is still counted), its count beyond the bound is the
    # table's estimate, read with the page's rows (BoundedCountPaginator.with_table_estimate), as
    # the cooperatives' and members' lists do by their own rule.
    estimates_whole_table = False

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.estimates_whole_table and "estimate_table" not in kwargs and is_whole_table(queryset):
            kwargs["estimate_table"] = queryset.model._meta.db_table
        return super().get_paginator(queryset, per_page, counted_rows=getattr(self, "counted_rows", None),
                                     searched=self.searched(), **kwargs)

    def paginate_queryset(self, queryset, page_size):
        counted = queryset
        queryset = self.page_rows(queryset)
        keys = sort_keys(queryset)
        queryset = queryset.order_by(*(key.order() for key in keys))
        # In the list's order: MatchingIdsPaginator reads the ids in it; a count drops the order.
        self.counted_rows = counted.order_by(*(key.order() for key in keys))
        after, before = self.request.GET.get(AFTER, ""), self.request.GET.get(BEFORE, "")
        if not after and not before:
            paginated = self._first_page(queryset, page_size) or super().paginate_queryset(queryset, page_size)
            paginator, page, object_list, is_paginated = paginated
            self._link_rows(page, object_list)
            page.numbered_pages = range(1, min(paginator.num_pages, NUMBERED_PAGES) + 1)
            return paginator, page, object_list, is_paginated
        if after and before:
            raise Http404("a page continues from one row, not from two")
        forward = bool(after)
        row = self.keyset_rows().filter(pk=int(after or before)).order_by().values_list(*(key.path for key in keys))
        values = row.first()
        if values is None:
            raise Http404("the page continues from a row that is not among the user's records")
        seek = seek_q(keys, values, forward=forward)
        paginator = self.get_paginator(queryset, page_size)
        estimated = paginator.with_table_estimate(queryset)
        rows, more = self._rows(estimated.filter(seek), keys, page_size, forward, past=values)
        beyond_the_end = not rows
        if beyond_the_end:
            # Nothing left past the row (the rows after it left the list since the link was made):
            # the list's end in that direction, rather than an empty page without links.
            rows, more = self._rows(estimated, keys, page_size, not forward, past=values)
            forward = not forward
        paginator.take_table_estimate(rows)
        page = KeysetPage(rows, paginator, has_previous=more if not forward else not beyond_the_end,
                          has_next=more if forward else not beyond_the_end)
        self._link_rows(page, rows)
        page.numbered_pages = range(1, min(paginator.num_pages, NUMBERED_PAGES) + 1)
        return paginator, page, rows, True

    def _first_page(self, queryset, page_size):
        """The first page, its rows read before the count: when the whole list fits on the page,
        the rows are the count and the count's own query is not run. A search or a filter narrow
        enough for one page (most of them) costs one query instead of two; a longer list costs the
        same two as before. None when the request is for another page: Django's paginator then
        counts and slices as usual.

        When the list fits, the rows and the number come from one statement, so they cannot
        disagree, and the number is exact, as the bounded count is below its limit."""
        page = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        if str(page) != "1" or self.get_paginate_orphans():
            return None
        if issubclass(self.paginator_class, MatchingIdsPaginator):
            # Its ids are the count and the page at once; the rows read first would be the walk the
            # ids are read to avoid (a common word's first 26 rows: 47 ms at national size).
            return None
        paginator = self.get_paginator(queryset, page_size, orphans=0,
                                       allow_empty_first_page=self.get_allow_empty())
        rows = self.read_rows(paginator.with_table_estimate(queryset), page_size + 1)
        if len(rows) <= page_size:
            paginator.count = len(rows)  # the cached_property's value: no COUNT query
        else:
            paginator.take_table_estimate(rows)
        rows = rows[:page_size]
        try:
            page = paginator.page(1)  # its own rows are a lazy slice, never read: replaced below
        except InvalidPage as error:  # an empty list where the view allows none
            raise Http404(str(error)) from error
        page.object_list = rows
        return paginator, page, rows, page.has_other_pages()

    def _rows(self, queryset, keys, page_size, forward, *, past):
        """A page of rows from the start of `queryset` (from its end when not `forward`), in the
        list's order, and whether more lie beyond them."""
        if not forward:
            queryset = queryset.order_by(*(key.order(reverse=True) for key in keys))
        rows = self.read_rows(queryset, page_size + 1, forward=forward, past=past)
        more = len(rows) > page_size
        rows = rows[:page_size]
        if not forward:
            rows.reverse()
        return rows, more

    @staticmethod
    def _link_rows(page, rows):
        """The ids the "Sebelumnya" and "Berikutnya" links continue from."""
        rows = list(rows)
        page.first_pk = rows[0].pk if rows else None
        page.last_pk = rows[-1].pk if rows else None
