"""A case names its region as it was named when the report came in: the capital was Nur-Sultan in 2020."""

import datetime as dt

from django.urls import reverse

from adal.hotline.services import report_submit
from tests.cases.test_workspace import sign_in


def test_the_case_page_and_the_inbox_name_the_capital_as_it_was_named_then(client, org, draft):
    received = dt.datetime(2020, 6, 3, 6, tzinfo=dt.UTC)
    submitted = report_submit(draft=draft(region="710000000"), received_at=received)
    case = submitted.report.case
    sign_in(client, org["centre_head"])  # the centre sees every case
    page = client.get(
        reverse("cases:case", args=[case.pk]), headers={"accept-language": "en"}
    ).content.decode()
    assert "Nur-Sultan" in page
    now = report_submit(draft=draft(region="710000000")).report.case
    assert (
        "Nur-Sultan"
        not in client.get(
            reverse("cases:case", args=[now.pk]), headers={"accept-language": "en"}
        ).content.decode()
    )
    client.logout()
    client.post(reverse("hotline:inbox_login"), {"receipt": submitted.receipt})
    inbox = client.get(reverse("hotline:inbox"), headers={"accept-language": "en"}).content.decode()
    assert "Nur-Sultan" in inbox
