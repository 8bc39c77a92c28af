"""The SMS rating link: opens the resident's ticket without the last four digits, once."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from conftest import at
from minsheng.feedback import visits
from minsheng.feedback.links import rating_token
from minsheng.tickets import workflow
from minsheng.tickets.models import Satisfaction

pytestmark = pytest.mark.django_db
MONDAY = at(2026, 3, 2, 9, 0)


@pytest.fixture
def replied(make_ticket, dispatcher, street_handler, city):
    t = make_ticket(at=MONDAY)
    workflow.dispatch(t, to=city["gudong"], by=dispatcher, at=MONDAY)
    workflow.accept(t, by=street_handler, at=MONDAY)
    workflow.reply(t, by=street_handler, text="已处理", at=MONDAY + timedelta(hours=3))
    return t


def test_the_link_opens_the_ticket_and_the_rating_form(client, replied):
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        token = rating_token(replied)
        response = client.get(reverse("rating_link", args=[token]))
        assert response.url == reverse("resident_ticket", args=[replied.number])
        page = client.get(response.url).content.decode()
    assert 'name="satisfaction"' in page


def test_the_link_no_longer_works_once_the_round_is_rated(client, replied):
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        token = rating_token(replied)
        visits.rate(replied, satisfaction=Satisfaction.SATISFIED, resolved=True)
        response = client.get(reverse("rating_link", args=[token]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("residents:track")
    assert "评价链接已使用或已失效" in response.content.decode()


def test_an_expired_or_altered_link_opens_nothing(client, replied):
    with time_machine.travel(MONDAY, tick=False):
        token = rating_token(replied)
    with time_machine.travel(MONDAY + timedelta(days=8), tick=False):
        for bad in (token, token[:-2] + "xx"):
            response = client.get(reverse("rating_link", args=[bad]))
            assert response.url == reverse("residents:track")
            assert client.get(reverse("resident_ticket", args=[replied.number])).status_code == 302


def test_agents_see_the_visit_list_and_units_do_not(client, replied, agent, street_handler):
    client.force_login(agent)
    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        page = client.get(reverse("feedback:visits")).content.decode()
    assert replied.number in page
    assert "13812345678" in page
    client.force_login(street_handler)
    assert client.get(reverse("feedback:visits")).status_code == 403
