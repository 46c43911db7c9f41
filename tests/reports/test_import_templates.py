"""The import page's templates (columns, explanation, one example row) and the tasks of imported obligations."""

import datetime
import io

import pytest
import tablib
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from obligations.models import Obligation, Task
from obligations.services import tasks_generate
from regulations.models import Membership, Regulation
from reports import imports

HANOI = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def office(world, make_user):
    return make_user("office_user", (world["root"], Membership.Role.OFFICE))


@pytest.mark.parametrize("what", ["parties", "regulations", "obligations"])
def test_each_template_has_the_resources_columns_and_one_example_row(client, world, office, what):
    client.force_login(office)
    response = client.get(reverse("reports:import_template", args=[what, "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="mau-nhap-{what}.csv"'
    dataset = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")
    resource = imports.RESOURCES[what]()
    # The columns of the model, then those a row may add (the decision behind a party's end or successor).
    assert dataset.headers == [*resource._meta.fields, *getattr(resource, "extra_columns", ())]
    assert len(dataset) == 1


def test_the_xlsx_template_opens_in_a_spreadsheet(client, world, office):
    client.force_login(office)
    response = client.get(reverse("reports:import_template", args=["obligations", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("id", "title") and rows[1][1] == "Báo cáo kết quả thực hiện Quy chế phối hợp"


def test_the_import_page_explains_every_column(client, world, office):
    client.force_login(office)
    page = client.get(reverse("reports:import")).content.decode()
    assert "Tải mẫu XLSX" in page and "responsible_parties" in page
    assert "Mã các cơ quan chủ trì, cách nhau bởi dấu phẩy" in page


def test_an_unknown_template_is_404_and_a_reporter_gets_403(client, world, office):
    client.force_login(office)
    assert client.get(reverse("reports:import_template", args=["users", "csv"])).status_code == 404
    client.force_login(world["users"]["reporter_a"])
    assert client.get(reverse("reports:import_template", args=["parties", "csv"])).status_code == 403


def test_an_imported_obligation_gets_its_tasks_at_once_and_only_once(world, office):
    regulation = Regulation.objects.create(
        number_symbol="9/QCPH-THU", title="Quy chế mới", issuer=world["root"], term_start=2026, term_end=2030
    )
    regulation.signatories.set([world["root"], world["a"]])
    dataset = imports.template_dataset("obligations")
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    row.update(source_regulation=str(regulation.pk), responsible_parties="org-a", owed_to="root")
    data = tablib.Dataset(headers=dataset.headers)
    data.append([row[h] for h in dataset.headers])
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=HANOI), tick=False):
        outcome = imports.run_import(
            what="obligations", dataset=data, dry_run=False, actor=office, jurisdiction=world["root"]
        )
        assert outcome.ok, outcome.errors
        obligation = Obligation.objects.get(source_regulation=regulation)
        # The reporting year 2026 opened on 15/12/2025: its task exists; 2027's opens later.
        tasks = Task.objects.filter(obligation=obligation)
        assert outcome.tasks_created == 1
        assert [(t.party, t.period.year, t.nominal_due_date) for t in tasks] == [
            (world["a"], 2026, datetime.date(2026, 12, 14))
        ]
        assert tasks_generate(obligations=[obligation]).created == 0


def test_a_dry_run_creates_no_tasks(world, office):
    dataset = imports.template_dataset("obligations")
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    row.update(source_regulation=str(world["regulation"].pk), responsible_parties="org-a", owed_to="root")
    row.update(applies_from="2021-01-01", applies_to="2023-12-31")
    data = tablib.Dataset(headers=dataset.headers)
    data.append([row[h] for h in dataset.headers])
    before = Task.objects.count()
    outcome = imports.run_import(
        what="obligations", dataset=data, dry_run=True, actor=office, jurisdiction=world["root"]
    )
    assert outcome.ok, outcome.errors
    assert Task.objects.count() == before
