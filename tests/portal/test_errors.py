"""Error pages a candidate may meet."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.portal.pages import has_link, text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signed", [False, True], ids=["anonymous", "signed in"])
def test_an_unknown_address_shows_the_friendly_not_found_page(client, candidate, signed):
    assert settings.DEBUG is False
    if signed:
        client.force_login(candidate)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = text(response)
    assert "We can't find that page" in page
    assert "The address may be mistyped, or the page may not be yours to see." in page
    assert has_link(response, reverse("home"), "Go to the start page")
    assert "Traceback" not in page
