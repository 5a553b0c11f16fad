"""The reporter's API: create a report, add files and messages, read the status, all by receipt."""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Body, File, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile
from ninja.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field

from adal.core.apischemas import errors
from adal.core.territories import DISTRICTS, current_regions
from adal.hotline.files import read_upload
from adal.hotline.handler import handler
from adal.hotline.models import PUBLIC_CATEGORIES, Channel, IdentityMode
from adal.hotline.receipts import receipt_normalise
from adal.hotline.services import (
    ReportDraft,
    report_find_by_receipt,
    report_submit,
    reporter_files_add,
    reporter_message_add,
)
from adal.hotline.services import (
    UploadedFile as Upload,
)
from adal.hotline.throttle import Verdict, throttle_check, throttle_failure

router = Router(tags=["reports"])

CategoryCode = StrEnum("CategoryCode", {c: c for c, _label in PUBLIC_CATEGORIES})
RegionCode = StrEnum("RegionCode", {f"kato_{r.kato}": r.kato for r in current_regions()})
IdentityModeCode = StrEnum("IdentityModeCode", {m: m for m in IdentityMode.values})
LanguageCode = StrEnum("LanguageCode", {"ru": "ru", "kk": "kk", "en": "en"})


def _codes(pairs) -> str:
    return "; ".join(f"`{code}` {label}" for code, label in pairs)


class ReceiptThrottled(Exception):
    def __init__(self, verdict: Verdict):
        self.verdict = verdict


class ReceiptAuth(APIKeyHeader):
    """`Authorization: Receipt <16 digits>`. A wrong receipt is 401, too many are 429; neither says
    whether any report exists."""

    param_name = "Authorization"
    openapi_description = "`Receipt` followed by the 16-digit receipt, e.g. `Receipt 1234567812345678`."

    def authenticate(self, request, key):
        scheme, _sep, value = (key or "").partition(" ")
        address = request.META.get("REMOTE_ADDR", "")
        verdict = throttle_check(address)
        if not verdict.allowed:
            raise ReceiptThrottled(verdict)
        receipt = receipt_normalise(value) if scheme.lower() == "receipt" else None
        report = report_find_by_receipt(receipt) if receipt else None
        if report is None:
            throttle_failure(address)
            return None
        request.receipt = receipt
        return report


class IdentityIn(BaseModel):
    # A plain pydantic model, not a ninja Schema: a Schema reads attributes off any value, so
    # `[null, null]` or `"x"` passed as an empty identity. This one takes an object and nothing else.
    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200, description="Full name")
    iin: str = Field("", max_length=20, description="12-digit individual identification number")
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)


EXAMPLE_REPORT = {
    "category": "education",
    "region": "150000000",
    "district": "",
    "description": "The head of school No. 12 demands 50,000 tenge from parents for a first-grade place.",
    "occurred": "August 2026",
    "place": "School No. 12, Aktobe",
    "persons": ["Head of school No. 12"],
    "organisations": ["School No. 12"],
    "bribe_amount": "50000",
    "identity_mode": "anonymous",
    "identity": None,
    "language": "ru",
}


class ReportIn(Schema):
    model_config = ConfigDict(json_schema_extra={"example": EXAMPLE_REPORT}, extra="forbid")

    category: CategoryCode = Field(description="What the report is about: " + _codes(PUBLIC_CATEGORIES))
    region: RegionCode = Field(
        description="KATO code of the region: " + _codes((r.kato, r.name_en) for r in current_regions())
    )
    district: str = Field(
        "",
        max_length=9,
        description="KATO code of the district, optional: " + _codes((d.kato, d.name_en) for d in DISTRICTS),
    )
    description: str = Field(max_length=20_000, description="What happened (at least 20 characters)")
    occurred: str = Field("", max_length=200, description="When it happened")
    place: str = Field("", max_length=500, description="Where it happened")
    persons: list[str] = Field(default_factory=list, max_length=50, description="People involved")
    organisations: list[str] = Field(
        default_factory=list, max_length=50, description="Organisations involved"
    )
    bribe_amount: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2, description="Tenge")
    identity_mode: IdentityModeCode = Field(
        description=_codes(
            [
                ("anonymous", "nobody learns who you are"),
                (
                    "confidential",
                    "identity sealed apart; disclosed only on a request approved by an identity custodian",
                ),
                (
                    "open",
                    "identity seen by the handling unit, may be given to the bodies that check the report",
                ),
            ]
        )
    )
    identity: IdentityIn | None = Field(None, description="Required for confidential and open reports")
    language: LanguageCode = Field(LanguageCode.ru, description="Language of the answers")


class ReportCreated(Schema):
    registration_number: str = Field(examples=["AC-2026-000123"])
    receipt: str = Field(description="Secret 16-digit receipt, shown once", examples=["4821067345190268"])


class FileOut(Schema):
    name: str
    content_type: str
    size: int


class MessageOut(Schema):
    direction: str = Field(description="`in` from the reporter, `out` to the reporter")
    created_at: dt.datetime
    body: str
    files: list[FileOut]


class DeadlineOut(Schema):
    label: str
    due_at: dt.datetime
    overdue: bool


class ProtectionOut(Schema):
    registration_number: str
    status: str
    status_text: str
    received_at: dt.datetime
    deadlines: list[DeadlineOut]
    messages: list[MessageOut]


class StatusOut(Schema):
    registration_number: str
    status: str
    status_text: str
    received_at: dt.datetime
    deadlines: list[DeadlineOut]
    messages: list[MessageOut]
    protections: list[ProtectionOut] = Field(
        description="Retaliation reported from the inbox for this report: each is a protection case, "
        "followed with this receipt"
    )


class MessageIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={"example": {"text": "The demand was repeated on 3 September."}}, extra="forbid"
    )
    text: str = Field(max_length=20_000)


def _own_origins(request) -> set[str]:
    site = urlsplit(settings.SITE_URL)
    return {
        f"{request.scheme}://{request.get_host()}",
        f"{site.scheme}://{site.netloc}",
        *settings.CSRF_TRUSTED_ORIGINS,
    }


def same_site_json(run):
    """A browser sends text/plain or a form to another site without asking first (no CORS preflight):
    a report is created only from JSON, and never by a page of another site. Clients that are not
    browsers send neither Origin nor Sec-Fetch-Site and are not affected."""

    @wraps(run)
    def checked(request, *args, **kwargs):
        origin = request.headers.get("Origin")
        if request.headers.get("Sec-Fetch-Site") == "cross-site" or (
            origin is not None and origin not in _own_origins(request)
        ):
            return JsonResponse({"detail": _("A report cannot be sent from another site.")}, status=403)
        if request.content_type != "application/json":
            return JsonResponse(
                {"detail": _("Send the report as JSON, with Content-Type: application/json.")}, status=415
            )
        return run(request, *args, **kwargs)

    return checked


@router.post(
    "", response={201: ReportCreated, **errors(400, 403, 413, 415, 422)}, auth=None, summary="Submit a report"
)
@decorate_view(same_site_json)
def create_report(request, payload: ReportIn = Body(..., example=EXAMPLE_REPORT)):
    identity = payload.identity or IdentityIn()
    draft = ReportDraft(
        category=payload.category.value,
        region=payload.region.value,
        district=payload.district,
        description=payload.description,
        occurred=payload.occurred,
        place=payload.place,
        persons=payload.persons,
        organisations=payload.organisations,
        bribe_amount=payload.bribe_amount,
        identity_mode=payload.identity_mode.value,
        name=identity.name,
        iin=identity.iin,
        phone=identity.phone,
        email=identity.email,
        language=payload.language.value,
    )
    submitted = report_submit(draft=draft, channel=Channel.API)
    return Status(
        201, {"registration_number": submitted.report.registration_number, "receipt": submitted.receipt}
    )


@router.post(
    "/attachments",
    response={201: list[FileOut], **errors(400, 401, 413, 422, 429)},
    auth=ReceiptAuth(),
    summary="Add evidence files to a report",
    description=(
        "Hidden data (location, author, software, dates) is removed from PDF, JPEG, PNG, WEBP, DOCX, XLSX "
        "and ODT files; HEIC pictures, audio and video keep theirs. Pictures above "
        f"{settings.ADAL_IMAGE_MAX_PIXELS // 1_000_000} million pixels are refused (422)."
    ),
)
def add_files(request, files: list[UploadedFile] = File(...)):
    uploads = [Upload(name=f.name, data=read_upload(f)) for f in files]
    added = reporter_files_add(report=request.auth, files=uploads)
    return Status(
        201, [{"name": a.original_name, "content_type": a.content_type, "size": a.size} for a in added]
    )


@router.get(
    "/status",
    response={200: StatusOut, **errors(401, 429)},
    auth=ReceiptAuth(),
    summary="Read the report's status, deadlines and messages",
)
def status(request):
    view = handler().inbox(request.auth)
    return {**_progress(view), "protections": [_progress(p) for p in view.protections]}


def _progress(view) -> dict:
    """A report's (or a protection case's) status, deadlines and messages."""
    return {
        "registration_number": view.report.registration_number,
        "status": view.case.state,
        "status_text": view.status_text,
        "received_at": view.report.received_at,
        "deadlines": [
            {"label": str(d.label), "due_at": d.due_at, "overdue": d.overdue} for d in view.deadlines
        ],
        "messages": [
            {
                "direction": m.direction,
                "created_at": m.created_at,
                "body": m.body,
                "files": [
                    {"name": a.original_name, "content_type": a.content_type, "size": a.size}
                    for a in m.attachments.all()
                ],
            }
            for m in view.messages
        ],
    }


@router.post(
    "/messages",
    response={201: MessageOut, **errors(400, 401, 413, 422, 429)},
    auth=ReceiptAuth(),
    summary="Send a message or additional information",
)
def add_message(request, payload: MessageIn = Body(..., example={"text": "The demand was repeated."})):
    message = reporter_message_add(report=request.auth, receipt=request.receipt, body=payload.text)
    return Status(
        201,
        {
            "direction": message.direction,
            "created_at": message.created_at,
            "body": message.body,
            "files": [],
        },
    )
