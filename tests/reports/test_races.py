"""Two sessions creating the same thing at once get one thing and no error (issue 13, item 2).

Each case is a check-then-insert that a unique index guards: the loser of the race must get what the winner
made, or the message the check gives, never an IntegrityError (a 500 in the browser). On PostgreSQL, with
threads and their own connections (tests/races.py makes the collision happen every time)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from obligations.reorganisations import NewParty, Plan, reorganisation_record
from regulations import services as source_services
from regulations.models import Document, Membership, Party, Regulation, Reorganisation
from reports import services
from reports.models import CalendarToken, ConsolidatedReport
from tests.races import at_once, collide

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _create_report(world):
    return services.consolidated_report_create(
        jurisdiction=world["root"], period=world["periods"][2022], actor=world["users"]["focal"]
    )


def test_the_loser_of_a_race_to_create_a_consolidated_report_gets_the_winners(world):
    first, second = collide(lambda: _create_report(world), lambda: _create_report(world))
    assert isinstance(first, ConsolidatedReport), first
    assert isinstance(second, ConsolidatedReport), second  # the first release raised IntegrityError here
    assert first.pk == second.pk
    assert ConsolidatedReport.objects.count() == 1


def test_sixteen_requests_from_four_sessions_create_one_report_without_an_error(world):
    from django.test import Client

    def open_report():
        client = Client()
        client.force_login(world["users"]["focal"])
        data = {"jurisdiction": world["root"].pk, "period": world["periods"][2022].pk}
        return client.post(reverse("reports:consolidated_list"), data).status_code

    statuses = at_once(open_report, sessions=16)
    assert all(status == 302 for status in statuses), statuses
    assert ConsolidatedReport.objects.count() == 1


def test_two_clicks_on_a_new_calendar_address_leave_one_active(world):
    user = world["users"]["focal"]
    first, second = collide(
        lambda: services.calendar_token_issue(user=user), lambda: services.calendar_token_issue(user=user)
    )
    assert isinstance(first, CalendarToken) and isinstance(second, CalendarToken), (first, second)
    assert list(CalendarToken.objects.filter(user=user, revoked_at__isnull=True)) == [second]


@pytest.fixture
def office(world, make_user):
    return make_user("office_user", (world["root"], Membership.Role.OFFICE))


NEW_REGULATION = {"title": "Quy chế phối hợp thử", "term_start": 2026, "term_end": 2030, "status": "draft"}


def test_two_sessions_registering_the_same_regulation_number_get_the_checks_message(world, office):
    def register():
        data = {**NEW_REGULATION, "issuer": world["root"], "number_symbol": "15/QCPH-THU"}
        return source_services.regulation_create(actor=office, data=data, signatories=[world["root"]])

    first, second = collide(register, register)
    assert isinstance(first, Regulation), first
    assert isinstance(second, ValidationError) and not isinstance(second, IntegrityError), second
    assert second.message_dict["number_symbol"] == ["Cơ quan này đã có một quy chế mang số, ký hiệu này."]
    assert Regulation.objects.filter(number_symbol="15/QCPH-THU").count() == 1


def test_two_sessions_registering_the_same_document_number_get_the_checks_message(world, office):
    def register():
        data = {"kind": "plan", "place": "Thử Nghiệm", "subject": "Kế hoạch thử", "issuer": world["root"]}
        return source_services.document_create(actor=office, data={**data, "number_symbol": "12/KH-UBND"})

    first, second = collide(register, register)
    assert isinstance(first, Document), first
    assert isinstance(second, ValidationError), second
    assert second.message_dict["number_symbol"] == ["Cơ quan này đã có một văn bản mang số, ký hiệu này."]


def test_a_merge_into_a_new_body_whose_code_was_taken_meanwhile_takes_the_next_free_code(world, office):
    import datetime

    def merge(source, day):
        plan = Plan(
            kind=Reorganisation.Kind.MERGE,
            number_symbol=f"{day}/QĐ-UBND",
            decided_on=datetime.date(2022, 12, day),
            effective_on=datetime.date(2022, 12, day),
            sources=[source],
            new_party=NewParty(
                code="hoi-moi",
                name="Hội Mới tỉnh Thử Nghiệm",
                short_name="Hội Mới",
                kind=Party.Kind.SOCIO_POLITICAL,
                level=Party.Level.PROVINCE,
                parent=world["root"],
            ),
        )
        return reorganisation_record(actor=office, plan=plan)

    first, second = collide(lambda: merge(world["a"], 1), lambda: merge(world["b"], 2))
    assert isinstance(first, Reorganisation), first
    assert isinstance(second, Reorganisation), second
    codes = sorted(Party.objects.filter(name="Hội Mới tỉnh Thử Nghiệm").values_list("code", flat=True))
    assert codes == ["hoi-moi", "hoi-moi-tinh-thu-nghiem"]  # the loser takes a free code made from the name
