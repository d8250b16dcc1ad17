import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests read the interface in its first language unless they switch."""
    settings.LANGUAGE_CODE = "id"
