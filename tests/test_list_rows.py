"""List rows show choice labels through {{ row|display:"field" }} (registry/templatetags/registry_format.py):
the same text as get_<field>_display(), without rebuilding the choices per call."""

from django.test import TestCase
from django.utils import translation

from registry.models import Cooperative


class DisplayFilterTests(TestCase):
    """{{ row|display:"field" }} shows what get_<field>_display() shows, in each language."""

    def test_every_choice_of_the_list_fields(self):
        from registry.models import Assessment, Finding, Partnership, Training
        from registry.templatetags.registry_format import display

        fields = {
            Cooperative: ["jenis", "kelompok", "status"], Assessment: ["predicate", "status"],
            Finding: ["kind", "risk", "follow_up_status"], Partnership: ["kind", "status"],
            Training: ["kind", "topic"],
        }
        for language in ("id", "en"):
            with translation.override(language):
                for model, names in fields.items():
                    for name in names:
                        for value, _label in model._meta.get_field(name).flatchoices:
                            row = model(**{name: value})
                            with self.subTest(model=model.__name__, field=name, value=value, language=language):
                                self.assertEqual(display(row, name), getattr(row, f"get_{name}_display")())
        row = Cooperative(jenis="bukan-pilihan")
        self.assertEqual(display(row, "jenis"), row.get_jenis_display())
        self.assertEqual(display(None, "kind"), "")
