"""A rubric version is frozen once a submitted or verified assessment was scored with it.

Weights, bands, level descriptions and indicators of such a version are refused in the admin and
in code (every save and delete of a rubric row); the way to change them is a copy, the next
revision of the same year, which new assessments then use.
"""

import datetime
from decimal import Decimal

from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory, TestCase
from django.urls import reverse

from registry.admin.assessments import RubricVersionAdmin
from registry.models import Assessment, RubricCondition, RubricFrozen, RubricIndicator, RubricVersion
from registry.services import assessments as services
from registry.services.rubrics import rubric_copy
from tests.builders import make_cooperative, make_user, rubric_indicators

YEAR = 2024
TODAY = datetime.date(2025, 11, 1)


def record(cooperative, *, year=YEAR, rubric=None, level=4):
    """A complete assessment, every indicator at `level` (checklists: every item)."""
    rubric = rubric or RubricVersion.for_year(year)
    indicators = services.rubric_indicators(rubric)
    return services.assessment_record(
        cooperative=cooperative, year=year, expected_version=None, today=TODAY,
        entries={i.pk: services.Entry(level=level, checklist_met=i.checklist_items, override_reason="Lapangan.")
                 for i in indicators},
    )


class FreezeInCodeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.rubric = RubricVersion.objects.get(year=2020)
        cls.draft = record(make_cooperative())

    def k1(self):
        return RubricIndicator.objects.get(condition__rubric=self.rubric, code="K1")

    def test_a_version_used_only_by_drafts_can_still_change(self):
        self.assertFalse(self.rubric.is_frozen())
        k1 = self.k1()
        k1.weight = Decimal("3")
        k1.save()
        condition = k1.condition
        condition.weight = Decimal("30")
        condition.save()

    def test_submitting_freezes_the_version(self):
        services.assessment_submit(assessment=self.draft)
        self.assertTrue(self.rubric.is_frozen())
        k1 = self.k1()
        for field, value in [("weight", Decimal("3")), ("bands", [{"min": 0, "level": 4}]), ("level_1", "baru"),
                             ("text", "Teks baru"), ("code", "K9"), ("method", "checklist")]:
            with self.subTest(field=field):
                setattr(k1, field, value)
                with self.assertRaises(RubricFrozen):
                    k1.save()
                with self.assertRaises(ValidationError):
                    k1.full_clean()
                k1 = self.k1()
        self.assertEqual(self.k1().weight, Decimal("2"))

    def test_conditions_indicators_and_the_year_of_a_frozen_version(self):
        services.assessment_submit(assessment=self.draft)
        services.assessment_verify(assessment=self.draft)
        condition = RubricCondition.objects.get(rubric=self.rubric, code="kelembagaan")
        condition.weight = Decimal("30")
        with self.assertRaises(RubricFrozen):
            condition.save()
        with self.assertRaises(RubricFrozen):
            RubricCondition.objects.get(pk=condition.pk).delete()
        with self.assertRaises(RubricFrozen):
            self.k1().delete()
        new = RubricIndicator(condition=RubricCondition.objects.get(pk=condition.pk), code="K9", text="Baru",
                              level_1="1", level_2="2", level_3="3", level_4="4", recommendation="-",
                              helper="dinas")
        with self.assertRaises(RubricFrozen):
            new.save()
        # An indicator moved out of the frozen version, or into it, is refused too.
        other = rubric_copy(rubric=self.rubric)
        moved = RubricIndicator.objects.get(condition__rubric=other, code="K1")
        moved.condition = condition
        with self.assertRaises(RubricFrozen):
            moved.save()
        version = RubricVersion.objects.get(pk=self.rubric.pk)
        version.year = 2019
        with self.assertRaises(RubricFrozen):
            version.save()
        # What guides the next steps, not the score, may still be edited.
        k1 = self.k1()
        k1.recommendation = "Urus akta perubahan ke notaris."
        k1.order = 99
        k1.save()
        version = RubricVersion.objects.get(pk=self.rubric.pk)
        version.notes = "Catatan baru"
        version.save()

    def test_returned_and_reopened_to_draft_unfreezes_only_when_no_other_uses_it(self):
        other = record(make_cooperative())
        services.assessment_submit(assessment=self.draft)
        services.assessment_submit(assessment=other)
        services.assessment_return(assessment=self.draft, reason="Periksa lagi")
        self.assertTrue(self.rubric.is_frozen())  # the other one is still submitted
        services.assessment_return(assessment=other, reason="Periksa lagi")
        self.assertFalse(self.rubric.is_frozen())


class CopyToNewVersionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.rubric = RubricVersion.objects.get(year=2020)
        cls.verified = record(make_cooperative())
        services.assessment_submit(assessment=cls.verified)
        services.assessment_verify(assessment=cls.verified)

    def test_copy_is_the_next_revision_and_new_assessments_use_it(self):
        copy = rubric_copy(rubric=self.rubric)
        self.assertEqual((copy.year, copy.revision), (2020, 2))
        self.assertFalse(copy.is_frozen())
        self.assertEqual(RubricVersion.for_year(YEAR), copy)
        k1 = RubricIndicator.objects.get(condition__rubric=copy, code="K1")
        k1.weight = Decimal("10")
        k1.save()
        new = record(make_cooperative(), level=4)
        self.assertEqual(new.rubric, copy)
        self.assertEqual(new.scores.get(indicator__code="K1").indicator.weight, Decimal("10"))
        # The verified assessment keeps its version, its weight and its score.
        self.verified.refresh_from_db()
        self.assertEqual(self.verified.rubric, self.rubric)
        self.assertEqual(self.verified.scores.get(indicator__code="K1").indicator.weight, Decimal("2"))
        self.assertEqual(rubric_copy(rubric=copy).revision, 3)

    def test_submit_scores_with_the_version_as_it_stands(self):
        copy = rubric_copy(rubric=self.rubric)
        draft = record(make_cooperative(), level=4)
        # K1 scored 1 in the draft, then its weight raised before the draft is submitted.
        score = draft.scores.get(indicator__code="K1")
        score.level, score.override_reason = 1, "Akta belum disahkan."
        score.save()
        k1 = RubricIndicator.objects.get(condition__rubric=copy, code="K1")
        k1.weight = Decimal("20")
        k1.save()
        submitted = services.assessment_submit(assessment=draft)
        # Kelembagaan: K1 1 x 20 + the other six at 4 (weights 3,1,2,1,1,1 = 9): (20 + 36) / (4 x 29) = 48.28
        self.assertEqual(submitted.score_kelembagaan, Decimal("48.28"))
        submitted.refresh_from_db()
        self.assertEqual(submitted.score_kelembagaan, Decimal("48.28"))


class FreezeInAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin_user = make_user("Admin Dinas", is_staff=True)
        cls.rubric = RubricVersion.objects.get(year=2020)
        cls.submitted = record(make_cooperative())
        services.assessment_submit(assessment=cls.submitted)

    def setUp(self):
        self.client.force_login(self.admin_user)

    def test_indicator_form_of_a_frozen_version_is_read_only(self):
        k1 = rubric_indicators()["K1"]
        url = reverse("admin:registry_rubricindicator_change", args=[k1.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="weight"')
        self.assertContains(page, 'name="recommendation"')
        # A forged POST with a new weight changes nothing; the recommendation is saved.
        response = self.client.post(url, {
            "weight": "9", "recommendation": "Rekomendasi baru", "helper": k1.helper, "order": k1.order,
            "level_1": "x", "level_2": "x", "level_3": "x", "level_4": "x", "_save": "Simpan",
        })
        self.assertEqual(response.status_code, 302)
        k1.refresh_from_db()
        self.assertEqual((k1.weight, k1.recommendation, k1.level_1 != "x"), (Decimal("2"), "Rekomendasi baru", True))
        self.assertFalse(self.client.post(reverse("admin:registry_rubricindicator_delete", args=[k1.pk]),
                                          {"post": "yes"}).status_code == 302)
        self.assertTrue(RubricIndicator.objects.filter(pk=k1.pk).exists())

    def test_new_indicator_cannot_go_into_a_frozen_version(self):
        page = self.client.get(reverse("admin:registry_rubricindicator_add"))
        frozen = RubricCondition.objects.filter(rubric=self.rubric)
        for condition in frozen:
            self.assertNotContains(page, f'<option value="{condition.pk}"')
        response = self.client.post(reverse("admin:registry_rubricindicator_add"), {
            "condition": frozen.first().pk, "code": "K9", "text": "Baru", "weight": "1", "order": "0",
            "method": "manual", "level_1": "1", "level_2": "2", "level_3": "3", "level_4": "4",
            "recommendation": "-", "helper": "dinas", "bands": "[]", "checklist_items": "[]",
        })
        self.assertEqual(response.status_code, 200)
        self.assertFalse(RubricIndicator.objects.filter(code="K9").exists())

    def test_version_page_shows_the_lock_and_its_conditions_read_only(self):
        page = self.client.get(reverse("admin:registry_rubricversion_change", args=[self.rubric.pk]))
        self.assertContains(page, "Terkunci: dipakai 1 penilaian")
        self.assertNotContains(page, 'name="conditions-0-weight"')
        self.assertNotContains(page, 'name="year"')

    def test_copy_to_new_version_action(self):
        request = RequestFactory().post("/admin/")
        request.user = self.admin_user
        said = []
        request._messages = type("M", (), {"add": lambda self, level, message, extra_tags="": said.append(message)})()
        RubricVersionAdmin(RubricVersion, site).copy_to_new_version(request, RubricVersion.objects.filter(year=2020))
        copy = RubricVersion.objects.get(year=2020, revision=2)
        self.assertEqual(RubricIndicator.objects.filter(condition__rubric=copy).count(), 21)
        self.assertIn("revisi 2", copy.name)
        self.assertIn(copy.name, said[0])
        page = self.client.get(reverse("admin:registry_rubricversion_change", args=[copy.pk]))
        self.assertContains(page, 'name="conditions-0-weight"')
        # Through the changelist action, as an admin uses it.
        response = self.client.post(reverse("admin:registry_rubricversion_changelist"), {
            "action": "copy_to_new_version", "_selected_action": [copy.pk],
        })
        self.assertEqual(response.status_code, 302)
        self.assertTrue(RubricVersion.objects.filter(year=2020, revision=3).exists())
        self.assertEqual(Assessment.objects.get(pk=self.submitted.pk).rubric, self.rubric)
