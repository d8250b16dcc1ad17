"""Reads of one record's rows whose SQL is written by the ORM once per process, then run by the record's id."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import ModelIterable, get_related_populators

# Stands for the id while the query is compiled: no row has it, and no other parameter equals it.
KEY = -7_300_001_000_001


class CompiledRead:
    """The rows of a queryset built by `build(key)` for a key (a cooperative's id), as model instances.

    Building a queryset and compiling it to SQL (filters, joins, select_related, ordering) cost
    some 0.45 ms of a profile section's 0.55 ms of CPU, ten times a request (docs/benchmarks.md,
    "Profile page"), to write the same statement each time with another id. The statement depends on
    the query's shape only, so it is compiled once per process and database with KEY in the id's
    places, and each call runs it with the id through Django's cursor (logged and counted as any
    query: assertNumQueries sees it), turning rows into instances as a queryset does (converters,
    deferred fields of `only()`, select_related objects).

    For querysets whose only parameters besides the key are constants of the query's shape: the
    key is found among the compiled parameters, so a value the backend rewrites while compiling
    (the escaped text of a LIKE) cannot stand for it. No annotations, no prefetch_related.
    """

    def __init__(self, build, *, using=DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._compiled = None

    def __call__(self, key):
        if self._compiled is None:
            self._compiled = self._compile()
        sql, params, slots, converters, make = self._compiled
        params = list(params)
        for slot in slots:
            params[slot] = key
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [_converted(row, converters, connection) for row in rows]
        return [make(row) for row in rows]

    def _compile(self):
        queryset = self.build(KEY).using(self.using)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ValueError("CompiledRead reads model instances, without prefetch_related")
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        slots = [n for n, value in enumerate(params) if type(value) is int and value == KEY]
        if not slots or compiler.annotation_col_map:
            raise ValueError("CompiledRead needs the key among the parameters, and no annotations")
        select, klass_info = compiler.select, compiler.klass_info
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(
                [column[0] for column in select[:compiler.col_count]]
            ).items()
        ]
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        model, db = klass_info["model"], self.using
        populators = get_related_populators(klass_info, select, db)

        def make(row):
            instance = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            return instance

        return sql, tuple(params), slots, converters, make


def _converted(row, converters, connection):
    row = list(row)
    for position, functions, expression in converters:
        value = row[position]
        for function in functions:
            value = function(value, expression, connection)
        row[position] = value
    return row
