"""The dashboard's charts are images at addresses of their own (summaries.chart_files), not
data: URLs inside the page: the page stays small, each image comes only to the reader the page
was made for (anyone else: 404, like another park's object), and park staff have no right to
them (403 for an address of their own)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from summaries import chart_files
from tests.factories import UserFactory
from tests.summaries.test_dashboard import DASHBOARD, parks  # noqa: F401  (the fixture)

IMG = re.compile(r'<img class="doc-chart-image" src="([^"]+)" alt="([^"]*)"')


def chart_images(client) -> list[tuple[str, str]]:
    html = client.get(DASHBOARD).content.decode()
    return IMG.findall(html)


def test_the_dashboard_links_its_charts_and_inlines_none(world, client_for, parks):  # noqa: F811
    client = client_for(world.national)

    html = client.get(DASHBOARD).content.decode()
    images = IMG.findall(html)

    # then every chart is an image at an address of the portal, with its title as the text
    assert len(images) >= 4
    assert "data:image/svg+xml" not in html
    assert all(src.startswith("/summaries/charts/") for src, _alt in images)
    assert all(alt for _src, alt in images)
    # and the address gives the chart itself, kept by the browser
    src, alt = images[0]
    response = client.get(src)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "immutable" in response["Cache-Control"]
    assert "<svg" in response.content.decode() and alt in response.content.decode()


def test_a_chart_address_is_the_readers_own(world, client_for, parks):  # noqa: F811
    src = chart_images(client_for(world.national))[0][0]
    admin = UserFactory(national_admin=True)

    # another reader with every right, and a provincial reviewer, get nothing at that address
    assert client_for(admin).get(src).status_code == 404
    assert client_for(world.reviewer_a).get(src).status_code == 404
    # a made-up address neither
    token = src.rsplit("/", 1)[1].removesuffix(".svg")
    forged = reverse("summaries:chart", args=[token[:-1] + ("0" if token[-1] != "0" else "1")])
    assert client_for(world.national).get(forged).status_code == 404


@pytest.mark.parametrize("persona", ["editor_a", "manager_a"])
def test_park_staff_have_no_right_to_a_chart_of_their_own_address(world, client_for, persona):
    user = getattr(world, persona)
    src = chart_files.chart_url("<svg><title>试图</title></svg>", user)

    assert client_for(user).get(src).status_code == 403


def test_a_chart_no_longer_kept_is_drawn_anew_on_the_next_reading(world, client_for, parks):  # noqa: F811
    client = client_for(world.national)
    src = chart_images(client)[0][0]
    cache.delete(f"summaries:chart:{src.rsplit('/', 1)[1].split('-')[0]}")

    # the image is gone, and the page that linked it is made anew, its charts kept again
    assert client.get(src).status_code == 404
    again = chart_images(client)[0][0]
    assert client.get(again).status_code == 200


def test_an_address_given_before_a_change_of_role_is_not_the_readers_any_more(
    world,
    client_for,
    parks,  # noqa: F811
):
    src = chart_images(client_for(world.national))[0][0]

    world.national.role = world.reviewer_a.role
    world.national.province = world.reviewer_a.province
    world.national.save()

    assert client_for(world.national).get(src).status_code == 404
