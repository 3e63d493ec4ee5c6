import pytest


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The pages in English, so the tests can read the messages (the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
