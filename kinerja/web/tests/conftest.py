import pytest


@pytest.fixture(autouse=True)
def _english_pages(settings):
    """Assert on the English msgids, whatever translation is installed later."""
    settings.LANGUAGE_CODE = "en"
