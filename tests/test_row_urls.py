"""`{% row_url %}` (registry/templatetags/registry_links.py, the Jinja2 rows' `url()`) gives what `{% url %}` gives, for
each link a table repeats on its rows."""

from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.test import SimpleTestCase
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from registry.templatetags.registry_links import row_url

# Each URL name a template links per row, with arguments as the rows give them (ids, a year, a history kind).
ROW_LINKS = {
    "registry:member_detail": (7,),
    "registry:boardmember_update": (12, 345),
    "registry:boardmember_end": (12, 345),
    "registry:yearlyreport_update": (1, 99_001),
    "registry:assessment_entry": (40, 2025),
    "registry:assessment_recommendations": (40, 2025),
    "registry:partnership_update": (3,),
    "registry:training_detail": (8,),
    "registry:finding_update": (12, 6),
    "registry:history_revert": (12, "pengurus", 123_456),
}


class RowUrlTests(SimpleTestCase):
    def test_every_row_link_is_the_url_django_reverses(self):
        for name, args in ROW_LINKS.items():
            with self.subTest(name=name):
                self.assertEqual(row_url(name, *args), reverse(name, args=args))
                # Another row: the resolved pattern is reused with its own arguments.
                other = tuple(arg + 1 if isinstance(arg, int) else arg for arg in args)
                self.assertEqual(row_url(name, *other), reverse(name, args=other))

    def test_every_name_the_templates_use_is_checked_here(self):
        used = set()
        for folder in settings.TEMPLATES[0]["DIRS"]:
            for path in Path(folder).rglob("*.html"):
                text = path.read_text()
                used |= {part.split("'")[1] for part in text.split("{% row_url ")[1:]}
        self.assertLessEqual(used, set(ROW_LINKS))

    def test_under_a_script_prefix(self):
        set_script_prefix("/kutim/")
        try:
            self.assertEqual(row_url("registry:member_detail", 7), "/kutim/anggota/7/")
            self.assertEqual(row_url("registry:member_detail", 7), reverse("registry:member_detail", args=[7]))
        finally:
            clear_script_prefix()
        self.assertEqual(row_url("registry:member_detail", 7), "/anggota/7/")

    def test_an_argument_a_url_would_quote_goes_through_reverse(self):
        # Not an id or a slug: reverse() decides, and refuses it as {% url %} would.
        with self.assertRaises(NoReverseMatch):
            row_url("registry:history_revert", 12, "dua kata", 5)
        with self.assertRaises(NoReverseMatch):
            row_url("registry:member_detail", "7/../8")
        with self.assertRaises(NoReverseMatch):
            row_url("registry:member_detail", None)

    def test_the_tag_in_a_template(self):
        template = Template("{% load registry_links %}"
                            "{% for m in members %}<a href=\"{% row_url 'registry:member_detail' m %}\">{% endfor %}"
                            "|{% for m in members %}<a href=\"{% url 'registry:member_detail' m %}\">{% endfor %}")
        rows, urls = template.render(Context({"members": [1, 22, 333]})).split("|")
        self.assertEqual(rows, urls)
        self.assertIn('<a href="/anggota/333/">', rows)
