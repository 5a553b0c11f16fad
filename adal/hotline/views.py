import contextlib
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from adal.core.permissions import REPORTER, Refused, requires
from adal.core.sealed import revoke, set_sealed_cookie, unseal
from adal.hotline.forms import (
    AppealForm,
    MessageForm,
    RatingForm,
    ReceiptForm,
    ReportForm,
    RetaliationForm,
    StaffReportForm,
    TranscriptCorrectionForm,
)
from adal.hotline.handler import handler
from adal.hotline.models import Report
from adal.hotline.receipts import receipt_format, receipt_normalise
from adal.hotline.selectors import transcript_of
from adal.hotline.services import (
    report_find_by_receipt,
    report_submit,
    reporter_identity_make_open,
    reporter_identity_withdraw,
    reporter_message_add,
    retaliation_report_submit,
    transcript_confirm,
    transcript_correct,
)
from adal.hotline.throttle import throttle_check, throttle_failure

REGISTRATION_NUMBER = re.compile(r"AC-\d{4}-\d{6,9}")
SLIP_COOKIE, INBOX_COOKIE = "adal_slip", "adal_inbox"


@never_cache
@require_http_methods(["GET", "POST"])
def report_new(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submitted = report_submit(draft=form.draft(get_language()), files=form.uploaded_files())
        except ValidationError as e:
            form.add_service_errors(e.message_dict)
        else:
            response = redirect("hotline:slip")
            set_sealed_cookie(
                response,
                SLIP_COOKIE,
                {"n": submitted.report.registration_number, "r": submitted.receipt},
                purpose="slip",
                max_age=600,
                path="/report/slip/",
            )
            return response
    return render(request, "hotline/report_form.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def report_slip(request):
    """Shows the receipt exactly once: the sealed cookie that carries it is deleted here."""
    slip = unseal(request.COOKIES.get(SLIP_COOKIE), purpose="slip")
    if slip is None:
        return render(request, "hotline/slip_gone.html", status=410)
    response = render(
        request, "hotline/slip.html", {"registration_number": slip["n"], "receipt": receipt_format(slip["r"])}
    )
    response.delete_cookie(SLIP_COOKIE, path="/report/slip/")
    return response


@require_POST
def report_slip_download(request):
    """The slip as a text file; the receipt comes back from the page, it is not stored here."""
    receipt = receipt_normalise(request.POST.get("receipt", ""))
    number = request.POST.get("registration_number", "")
    if receipt is None or not REGISTRATION_NUMBER.fullmatch(number):
        return HttpResponse(
            _("This slip cannot be made."), status=400, content_type="text/plain; charset=utf-8"
        )
    text = render(
        request, "hotline/slip.txt", {"registration_number": number, "receipt": receipt_format(receipt)}
    ).content
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="adal-{number}.txt"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def inbox_login(request):
    form = ReceiptForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        address = request.META.get("REMOTE_ADDR", "")
        verdict = throttle_check(address)
        receipt = receipt_normalise(form.cleaned_data["receipt"])
        if not verdict.allowed:
            form.add_error("receipt", verdict.message())
            status = 429
        elif receipt is None:
            form.add_error("receipt", _("A receipt is 16 digits, as printed on your slip."))
            status = 400
        elif (report := report_find_by_receipt(receipt)) is None:
            throttle_failure(address)
            form.add_error("receipt", _("This receipt opens no report. Check the digits and try again."))
            status = 401
        else:
            response = redirect("hotline:inbox")
            set_sealed_cookie(
                response,
                INBOX_COOKIE,
                {"id": report.pk, "r": receipt},
                purpose="inbox",
                max_age=settings.ADAL_INBOX_SESSION_SECONDS,
                path="/inbox/",
            )
            return response
    return render(request, "hotline/inbox_login.html", {"form": form}, status=status)


def _inbox_session(request) -> tuple[Report | None, str]:
    session = unseal(request.COOKIES.get(INBOX_COOKIE), purpose="inbox")
    report = session and Report.objects.select_related("region", "district").filter(pk=session["id"]).first()
    return (report, session["r"]) if report else (None, "")


def _render_inbox(
    request,
    report,
    *,
    form=None,
    appeal_form=None,
    correction_form=None,
    transcript_error="",
    status=200,
    **forms,
):
    context = {
        "view": handler().inbox(report),
        "form": form or MessageForm(),
        "appeal_form": appeal_form or AppealForm(),
        "retaliation_form": forms.get("retaliation_form") or RetaliationForm(),
        # (registration number, form) of a retaliation report's message that was refused
        "protection_form": forms.get("protection_form"),
        "transcript": transcript_of(report),
        "correction_form": correction_form or TranscriptCorrectionForm(),
        "transcript_error": transcript_error,
    }
    return render(request, "hotline/inbox.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def inbox(request):
    report, receipt = _inbox_session(request)
    if not report:
        return redirect("hotline:inbox_login")
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            reporter_message_add(
                report=report,
                receipt=receipt,
                body=form.cleaned_data["body"],
                files=form.uploaded_files(),
            )
        except ValidationError as e:
            form.add_service_errors(e.message_dict)
        else:
            messages.success(request, _("Your message has been sent. The officer sees it in the case."))
            return redirect("hotline:inbox")
    return _render_inbox(request, report, form=form, status=400 if form.errors else 200)


@require_POST
def inbox_appeal(request):
    report, _receipt = _inbox_session(request)
    if not report:
        return redirect("hotline:inbox_login")
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            handler().appeal(case=report.case, reason=form.cleaned_data["reason"])
        except Refused as e:
            form.add_error("reason", str(e))
        else:
            return redirect("hotline:inbox")
    return _render_inbox(request, report, appeal_form=form, status=400)


@never_cache
@require_POST
def inbox_retaliation(request):
    """The reporter tells of retaliation for their report; it becomes a protection case."""
    report, receipt = _inbox_session(request)
    if not report:
        return redirect("hotline:inbox_login")
    form = RetaliationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            protection = retaliation_report_submit(
                report=report, receipt=receipt, draft=form.draft(get_language()), files=form.uploaded_files()
            )
        except ValidationError as e:
            form.add_service_errors(e.message_dict)
        except Refused as e:
            form.add_error(None, str(e))
        else:
            return redirect(reverse("hotline:inbox") + f"#protection-{protection.registration_number}")
    return _render_inbox(request, report, retaliation_form=form, status=400)


@never_cache
@require_POST
def inbox_protection_message(request, number: str):
    """A message on a retaliation report that this inbox follows."""
    report, receipt = _inbox_session(request)
    if not report:
        return redirect("hotline:inbox_login")
    protection = next(
        (p for p in handler().inbox(report).protections if p.report.registration_number == number), None
    )
    if protection is None:
        raise Http404
    form = MessageForm(request.POST, request.FILES, prefix="protection")
    if form.is_valid():
        try:
            reporter_message_add(
                report=protection.report,
                receipt=receipt,
                body=form.cleaned_data["body"],
                files=form.uploaded_files(),
            )
        except ValidationError as e:
            form.add_service_errors(e.message_dict)
        else:
            return redirect(reverse("hotline:inbox") + f"#protection-{number}")
    return _render_inbox(request, report, protection_form=(number, form), status=400)


@require_POST
def inbox_rate(request):
    report, _receipt = _inbox_session(request)
    if not report:
        return redirect("hotline:inbox_login")
    form = RatingForm(request.POST)
    if form.is_valid():
        with contextlib.suppress(Refused):  # the page shows the case as it is
            handler().rate(case=report.case, rating=form.cleaned_data["rating"])
    return redirect("hotline:inbox")


# What a reporter may do with their identity from the inbox, each after a confirmation.
IDENTITY_CHANGES = {"open": reporter_identity_make_open, "withdraw": reporter_identity_withdraw}


@never_cache
@require_http_methods(["GET", "POST"])
def inbox_identity(request, change: str):
    """Make a confidential identity open, or withdraw the identity: the page says what follows, and
    only the confirming POST does it."""
    report, _receipt = _inbox_session(request)
    if not report:
        return redirect("hotline:inbox_login")
    if change not in IDENTITY_CHANGES:
        raise Http404
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            IDENTITY_CHANGES[change](report=report)
        except Refused as e:
            error = str(e)
        else:
            return redirect("hotline:inbox")
    context = {"report": report, "change": change, "error": error}
    return render(request, "hotline/inbox_identity.html", context, status=400 if error else 200)


@require_POST
def inbox_transcript_correct(request):
    report, receipt = _inbox_session(request)
    if not report:
        return redirect("hotline:inbox_login")
    form = TranscriptCorrectionForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            transcript_correct(report=report, text=form.cleaned_data["text"], receipt=receipt, by=REPORTER)
        except ValidationError as e:
            form.add_error("text", e.messages)
        except Refused as e:
            error = str(e)
        else:
            return _transcript_anchor()
    return _render_inbox(request, report, correction_form=form, transcript_error=error, status=400)


@require_POST
def inbox_transcript_confirm(request):
    report, _receipt = _inbox_session(request)
    if not report:
        return redirect("hotline:inbox_login")
    try:
        transcript_confirm(report=report, by=REPORTER)
    except Refused as e:
        return _render_inbox(request, report, transcript_error=str(e), status=400)
    return _transcript_anchor()


def _transcript_anchor():
    return redirect(f"{reverse('hotline:inbox')}#transcript")


@require_POST
def inbox_logout(request):
    revoke(request.COOKIES.get(INBOX_COOKIE), purpose="inbox")  # a copy of the cookie dies with it
    response = redirect("core:home")
    response.delete_cookie(INBOX_COOKIE, path="/inbox/")
    return response


@requires("report.register")
@never_cache
@require_http_methods(["GET", "POST"])
def staff_report_new(request):
    """An operator registers a report that came by phone, letter or in person."""
    form = StaffReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submitted = report_submit(
                draft=form.draft(form.cleaned_data["language"]),
                files=form.uploaded_files(),
                channel=form.cleaned_data["channel"],
                registered_by=request.user,
            )
        except ValidationError as e:
            form.add_service_errors(e.message_dict)
        else:
            return render(
                request,
                "hotline/staff_registered.html",
                {
                    "registration_number": submitted.report.registration_number,
                    "receipt": receipt_format(submitted.receipt),
                    "report": submitted.report,
                },
            )
    return render(
        request, "hotline/staff_report_form.html", {"form": form}, status=400 if form.errors else 200
    )
