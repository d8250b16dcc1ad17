"""Pagination that stays fast on large tables: no exact COUNT(*) over the whole table per page."""

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property


class BoundedCountPaginator(Paginator):
    """Counts at most `count_limit` + 1 rows; beyond that the count is a bound or an estimate.

    An exact count of 130,000 cooperatives (or 3 million members) on every page costs more than
    the page itself on PostgreSQL. Up to `count_limit` the count is exact. Beyond it, when the view
    says the list is the whole table (`estimate_table`), PostgreSQL's planner estimate
    (pg_class.reltuples) is used and shown as "about"; otherwise the count is shown as "more than"
    the limit, and the pages stop there (refine the filter to go further).
    """

    count_limit = 10_000

    def __init__(self, *args, estimate_table=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.estimate_table = estimate_table
        self.count_is_exact = True
        self.count_is_estimate = False

    @cached_property
    def count(self):
        bounded = self.object_list.order_by()[: self.count_limit + 1].count()
        if bounded <= self.count_limit:
            return bounded
        self.count_is_exact = False
        estimate = self._table_estimate()
        if estimate and estimate > bounded:
            self.count_is_estimate = True
            return estimate
        return bounded

    def _table_estimate(self):
        if not self.estimate_table or connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [self.estimate_table])
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] and row[0] > 0 else None
