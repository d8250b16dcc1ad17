"""The computations a rubric indicator may name: declared on the model, implemented in assessment_inputs."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from registry import assessment_inputs
from registry.models import RubricIndicator

Method = RubricIndicator.Method
BANDS = [{"min": 0.4, "max": None, "level": 4}, {"min": None, "max": 0.4, "level": 1}]


def indicator(method, source):
    return RubricIndicator(method=method, source=source, bands=BANDS if method == Method.RATIO else [])


@pytest.mark.parametrize("method", [Method.RATIO, Method.DERIVED])
def test_every_declared_source_is_accepted_and_implemented(method):
    implemented = assessment_inputs.RATIO_SOURCES if method == Method.RATIO else assessment_inputs.DERIVED_SOURCES
    for source in RubricIndicator.SOURCES[method]:
        indicator(method, source).clean()
        assert callable(implemented[source])


@pytest.mark.parametrize("method, source", [
    (Method.DERIVED, "unknown"), (Method.RATIO, "board_complete"), (Method.DERIVED, "equity_ratio"),
])
def test_an_unknown_source_is_refused(method, source):
    with pytest.raises(ValidationError) as info:
        indicator(method, source).clean()
    assert "source" in info.value.message_dict


def test_a_source_declared_but_not_implemented_stops_the_module(monkeypatch):
    monkeypatch.setitem(RubricIndicator.SOURCES, Method.DERIVED, (*RubricIndicator.SOURCES[Method.DERIVED], "new"))
    with pytest.raises(ImproperlyConfigured):
        assessment_inputs._check_sources()
