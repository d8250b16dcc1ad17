"""Reads whose SQL the ORM writes once per process, then run with each request's ids and names."""

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# Stand in for the keys while a query is compiled: no row has them, and no other parameter equals them.
_INT_STAND_IN = -7_300_001_000_001
# With a LIKE's special characters: a backend that escapes the text while compiling shows it (refused below).
_TEXT_STAND_IN = "\x1ecompiled_read%key{}\x1e"
_BIGINT = (-(2**63), 2**63 - 1)  # an integer key outside matches no row of a (big) integer column


class CompiledRead:
    """The rows of the queryset `build(*keys, *shape)` (model instances, or values_list() tuples) for
    keys that change with every request (a cooperative's id, its desa and name) and a shape that
    seldom does (a user's area, the day).

    Building a queryset and compiling it to SQL (filters, joins, select_related, annotations,
    ordering) was most of each profile query's CPU: 0.45 ms of a section's 0.55 ms, 1.4 ms of the
    cooperative's 1.6 ms, to write the same statement with other values. The statement depends on
    the query and its shape only, so it is compiled once per shape with stand-ins in the keys'
    places, and each call runs it with the keys through Django's cursor (logged and counted as any
    query: assertNumQueries sees it), turning rows into instances as a queryset does (converters,
    deferred fields of `only()`, select_related objects, annotations).

    `keys` names the keys' types, int or str. A key must reach the SQL as it is given: compared with
    `=` or `IN`, not as a LIKE pattern the backend escapes (`iexact` on SQLite, `contains`), nor
    converted by the field it is compared with. A query whose keys are not all found among its
    compiled parameters as given, or are found changed in one, is refused. The shape is part of the
    query, as `today` in a count: at most `variants` shapes are kept (a new day's replaces the rest).
    """

    def __init__(self, build, *, keys=(int,), using=DEFAULT_DB_ALIAS, variants=32):
        self.build = build
        self.stand_ins = tuple(
            _INT_STAND_IN - n if kind is int else _TEXT_STAND_IN.format(n) for n, kind in enumerate(keys)
        )
        self.using = using
        self.variants = variants
        self._compiled = {}

    def __call__(self, *keys, shape=()):
        if any(type(key) is int and not _BIGINT[0] <= key <= _BIGINT[1] for key in keys):
            return []
        compiled = self._compiled.get(shape)
        if compiled is None:
            if len(self._compiled) >= self.variants:
                self._compiled.clear()
            compiled = self._compiled[shape] = self._compile(shape)
        if compiled is EmptyResultSet:  # the ORM runs no query for it either (an empty area)
            return []
        sql, params, slots, converters, make = compiled
        params = list(params)
        for slot, key in slots:
            params[slot] = keys[key]
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [_converted(row, converters, connection) for row in rows]
        return [make(row) for row in rows]

    def _compile(self, shape):
        queryset = self.build(*self.stand_ins, *shape).using(self.using)
        if queryset._iterable_class not in (ModelIterable, ValuesListIterable) or queryset._prefetch_related_lookups:
            raise ValueError("CompiledRead reads model instances or values_list() tuples, without prefetch_related")
        compiler = queryset.query.get_compiler(using=self.using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return EmptyResultSet
        slots = [
            (n, key)
            for n, value in enumerate(params)
            for key, stand_in in enumerate(self.stand_ins)
            if type(value) is type(stand_in) and value == stand_in
        ]
        if {key for _n, key in slots} != set(range(len(self.stand_ins))):
            raise ValueError("CompiledRead needs every key among the compiled query's parameters")
        found = {n for n, _key in slots}
        if any(str(stand_in) in str(value) for n, value in enumerate(params) if n not in found
               for stand_in in self.stand_ins):
            raise ValueError("CompiledRead needs each key as it is: the ORM changed one while compiling")
        select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(
                [column[0] for column in select[:compiler.col_count]]
            ).items()
        ]
        if queryset._iterable_class is ValuesListIterable:
            count = compiler.col_count
            return sql, tuple(params), slots, converters, lambda row: tuple(row[:count])
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        model, db = klass_info["model"], self.using
        populators = get_related_populators(klass_info, select, db)
        annotations = list(annotations.items())

        def make(row):
            instance = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
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
