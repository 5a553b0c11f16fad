"""The reporter's inbox reads in the order the reporter needs it: the answer first, then what they may do
about it, the deadlines (never an empty list), their own report and files, then the conversation."""

from django.urls import reverse

from adal.cases.selectors import reporter_inbox
from adal.hotline.services import report_submit
from tests.cases.test_retention import SECRET, full_case, open_inbox  # noqa: F401 (a fixture)


def test_the_answer_comes_first_and_the_deadlines_say_what_happens_next(client, org, full_case):  # noqa: F811
    case, receipt = full_case
    view = reporter_inbox(case.report)
    assert view.answer is not None and view.answer not in view.other_messages
    assert view.deadlines == [] and view.next_step
    page = open_inbox(client, receipt)
    answer_at = page.index('data-testid="answer"')
    assert answer_at < page.index('id="status-title"') < page.index('id="messages-title"')
    assert page.index('data-testid="appeal-terms"') < page.index('id="status-title"')
    assert 'data-testid="next-step"' in page
    assert page.count(view.answer.body.splitlines()[0][:40]) == 1  # shown once, not again as a message


def test_the_reporter_reads_their_own_report_and_files(client, org, full_case):  # noqa: F811
    _case, receipt = full_case
    page = open_inbox(client, receipt)
    own = page[page.index('data-testid="own-report"') :]
    assert SECRET.splitlines()[0][:30] in own and "evidence.pdf" in own


def test_sending_a_message_is_confirmed(client, org, draft):
    submitted = report_submit(draft=draft())
    open_inbox(client, submitted.receipt)
    response = client.post(reverse("hotline:inbox"), {"body": "Могу приложить ещё одну запись."}, follow=True)
    assert response.status_code == 200
    assert 'class="flash"' in response.content.decode()
    assert reporter_inbox(submitted.report).deadlines  # an open report has its clock
