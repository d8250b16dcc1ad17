"""Walk every figure link of a dashboard page and compare the figure with the list it opens.

Reads only the HTML, as a reader would: the figure as written in Indonesian (1.234, Rp -5.000,
85,00, 58,0%), the list's count from its result line and its total line (`data-total` cells).
A count must equal the list's count; a sum or an average (a link with data-total) must equal the
list's total line for that column; a share (%) links to the list of its numerator, whose count is
the link's data-count. Used by tests/test_figure_links.py and the stateful test.
"""

import html
import re
from decimal import Decimal

FIGURE_LINK = re.compile(
    r'<a href="(?P<href>[^"]+)" data-count="(?P<count>\d+)"(?: data-total="(?P<total>[^"]+)")? title="[^"]*">'
    r"(?P<text>[^<]*)</a>"
)
RESULT_COUNT = re.compile(r'<p class="result-count"[^>]*>(.*?)</p>', re.S)
MISSING = "–"


def parse_number(text):
    """A number as the Indonesian pages write it; None for the dash of a missing figure."""
    text = html.unescape(text).strip()
    if text in ("", MISSING):
        return None
    negative = text.startswith("-")
    text = text.lstrip("-").removeprefix("Rp").strip().rstrip("%").strip()
    if not re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d+)?", text):
        raise ValueError(f"not a number in Indonesian format: {text!r}")
    value = Decimal(text.replace(".", "").replace(",", "."))
    return -value if negative else value


def list_count(page):
    """The row count a list page states in its result line."""
    line = RESULT_COUNT.search(page)
    assert line, "the list has no result line"
    words = re.sub(r"<[^>]+>", " ", line.group(1)).split()
    return int(parse_number(next(word for word in words if re.fullmatch(r"[\d.]+", word))))


def list_total(page, key):
    """The list's total line for `key` (a data-total cell), or None when the list shows no total line."""
    cell = re.search(rf'data-total="{re.escape(key)}">([^<]*)<', page)
    return None if cell is None else parse_number(cell.group(1))


def figure_links(page):
    """Every figure link of a dashboard page, once per (href, total): dicts of href, count, total, text."""
    seen, links = set(), []
    for match in FIGURE_LINK.finditer(page):
        link = match.groupdict()
        link["href"] = html.unescape(link["href"])
        key = (link["href"], link["total"], link["text"])
        if key not in seen:
            seen.add(key)
            links.append(link)
    return links


def walk(client, url):
    """Open `url` (a dashboard page) and every list its figures link to; return the disagreements.

    Each disagreement is a string naming the link. Also returns how many links were checked, so a
    caller can tell a walk that checked nothing from one that found nothing wrong.
    """
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    links = figure_links(response.content.decode())
    pages, problems = {}, []
    for link in links:
        href = link["href"]
        if href not in pages:
            listed = client.get(href)
            assert listed.status_code == 200, (href, listed.status_code)
            pages[href] = listed.content.decode()
        page = pages[href]
        count = list_count(page)
        value = parse_number(link["text"])
        where = f"{url} -> {href} [{link['total'] or 'count'}] {link['text']!r}"
        if int(link["count"]) != count:
            problems.append(f"{where}: data-count {link['count']}, list shows {count} rows")
        if link["total"]:
            total = list_total(page, link["total"])
            if count and f'data-total="{link["total"]}"' not in page:
                problems.append(f"{where}: the list of {count} rows shows no total line for {link['total']}")
            elif total != value and not (total is None and not value):
                problems.append(f"{where}: the list's total line shows {total}")
        elif link["text"].strip().endswith("%"):
            continue  # a share: its numerator is the list's count, checked above
        elif (value or 0) != count:
            problems.append(f"{where}: the list shows {count} rows")
    return problems, len(links)


def dashboard_figures(user, *, year, kecamatan=""):
    """Every figure the dashboard shows `user` for `year` (and one kecamatan), with its link: in process."""
    from registry import dashboard as presentation
    from registry import figures
    from registry.models import last_full_year
    from registry.selectors import dashboard as selectors

    area = selectors.kecamatan_in_area(user=user)
    chosen = [(code, name) for code, name in area if code == kecamatan] if kecamatan else area
    d = selectors.dashboard(user=user, year=year, kecamatan=chosen, first_trend_year=figures.FIRST_TREND_YEAR,
                            chosen=bool(kecamatan), latest_year=last_full_year())
    links = presentation.Links(kecamatan)
    found = [f for section in presentation.dashboard_sections(d, links).values() for f in section]
    for row in presentation.kecamatan_rows(d, links):
        found += [f for f in row.values() if isinstance(f, presentation.Figure)]
    for rows in presentation.dimension_rows(d, links).values():
        found += [f for row in rows for f in row.values() if isinstance(f, presentation.Figure)]
    for _year, _missing, cells in presentation.trend_table(presentation.trend_rows(d), links):
        found += cells
    return [f for f in found if f.href]


def list_of(user, href):
    """The rows of the list `href` opens for `user`, as its view filters them: (queryset, query)."""
    from django.http import QueryDict
    from django.test import RequestFactory
    from django.urls import resolve

    path, _, query = href.partition("?")
    request = RequestFactory().get(href)
    request.user, request.session = user, {}
    view = resolve(path).func.view_class()
    view.request, view.args, view.kwargs = request, (), {}
    params = QueryDict(query)
    if hasattr(view, "listed_cooperatives"):  # the RAT season tracker: no FilterSet, its own filters
        return view.listed_cooperatives(), params
    filterset = view.filterset_class(params, queryset=view.get_queryset(), request=request)
    assert filterset.is_valid(), (href, filterset.errors)
    return filterset.qs, params


def figure_disagreements(user, *, year, kecamatan=""):
    """The dashboard figures that differ from the count or the total line of the list they link to.

    The same comparison as `walk`, without HTTP: the figures from the dashboard's own functions, the
    lists from their views' querysets and filters, the total lines from the selectors the list
    pages use. Fast enough to run after every step of a stateful test.
    """
    from registry.selectors.assessments import score_averages
    from registry.selectors.cooperatives import cooperative_totals

    problems, lists = [], {}
    for f in dashboard_figures(user, year=year, kecamatan=kecamatan):
        if f.href not in lists:
            queryset, params = list_of(user, f.href)
            count, totals = queryset.count(), None
            if "laporan_tahun" in params or params.get("merah_putih") == "true":
                totals = cooperative_totals(queryset, reports="laporan_tahun" in params,
                                            desa=params.get("merah_putih") == "true")
            elif "/penilaian/" in f.href:
                totals = score_averages(queryset)
            lists[f.href] = (count, totals)
        count, totals = lists[f.href]
        where = f"{year} {kecamatan or 'area'} {f.key} {f.label} -> {f.href}"
        if f.count != count:
            problems.append(f"{where}: figure's count {f.count}, list {count}")
        if f.total:
            total = None if totals is None else totals[f.total]
            if total != f.value and not (not total and not f.value):
                problems.append(f"{where} [{f.total}]: figure {f.value}, list's total line {total}")
        elif f.kind == "angka" and (f.value or 0) != count:
            problems.append(f"{where}: figure {f.value}, list {count} rows")
    return problems
