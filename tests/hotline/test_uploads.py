"""Uploads cannot exhaust a worker, and what a reporter sends loses its hidden data (or says it keeps it)."""

import io
import json
import struct
import zipfile
import zlib

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image, ImageFile

from adal.core.files import read_decrypted
from adal.hotline import files
from adal.hotline.api import EXAMPLE_REPORT
from adal.hotline.files import check_file
from adal.hotline.models import Attachment, Report
from tests.hotline.test_pages import FORM

API = "/api/v1/reports"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
AUTHOR = "Secret Author"


def png_claiming(width: int, height: int) -> bytes:
    """A PNG of a few bytes whose header claims width × height pixels (as an attacker sends it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + chunk(b"IEND", b"")
    )


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def pdf_with_metadata() -> bytes:
    pdf = pikepdf.Pdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = AUTHOR
    pdf.docinfo["/Producer"] = "Scanner 3000"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:creator"] = [AUTHOR]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def docx_with_metadata() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        z.writestr(
            "word/document.xml", '<?xml version="1.0"?><w:document><w:body>Evidence</w:body></w:document>'
        )
        z.writestr(
            "docProps/core.xml",
            f'<?xml version="1.0"?><cp:coreProperties><dc:creator>{AUTHOR}</dc:creator></cp:coreProperties>',
        )
        z.writestr("docProps/app.xml", "<Properties><Company>Ministry of Secrets</Company></Properties>")
        z.writestr("docProps/custom.xml", f"<Properties><property>{AUTHOR}</property></Properties>")
    return out.getvalue()


def odt_with_metadata() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODT, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", "<office:document-content>Evidence</office:document-content>")
        z.writestr(
            "meta.xml", f"<office:document-meta><dc:creator>{AUTHOR}</dc:creator></office:document-meta>"
        )
    return out.getvalue()


def unpacked(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return b"".join(z.read(name) for name in z.namelist())


# --- pictures: the pixel limit is checked on the header, before anything is decoded ---


@pytest.mark.parametrize("side", [12_000, 15_000])
def test_it_refuses_a_picture_with_too_many_pixels_before_decoding_it(side, monkeypatch):
    def decode(*args):
        raise AssertionError("the picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    with pytest.raises(ValidationError) as e:
        check_file(name="bomb.png", data=png_claiming(side, side))
    assert e.value.code == "image_too_large"
    assert "bomb.png" in e.value.messages[0] and "50" in e.value.messages[0]


def test_the_pixel_limit_is_a_setting(settings):
    settings.ADAL_IMAGE_MAX_PIXELS = 20 * 20
    assert check_file(name="ok.png", data=png(20, 20)).content_type == "image/png"
    with pytest.raises(ValidationError) as e:
        check_file(name="big.png", data=png(21, 20))
    assert e.value.code == "image_too_large"


def test_pillows_own_bomb_refusal_is_a_clear_refusal_too(settings):
    settings.ADAL_IMAGE_MAX_PIXELS = 10**12  # only Pillow's limit stands in the way
    with pytest.raises(ValidationError) as e:
        check_file(name="bomb.png", data=png_claiming(15_000, 15_000))
    assert e.value.code == "image_too_large"


# --- documents lose their hidden data ---


def test_a_pdf_loses_its_information_dictionary_and_xmp():
    original = pdf_with_metadata()
    with pikepdf.open(io.BytesIO(original)) as pdf:  # the fixture really carries both
        assert pdf.docinfo["/Author"] == AUTHOR and "/Metadata" in pdf.Root
    checked = check_file(name="scan.pdf", data=original)
    assert checked.content_type == "application/pdf"
    with pikepdf.open(io.BytesIO(checked.data)) as pdf:
        assert "/Author" not in pdf.docinfo and "/Producer" not in pdf.docinfo
        assert "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1
    assert AUTHOR.encode() not in checked.data


def test_an_unreadable_pdf_that_could_hold_metadata_is_refused():
    with pytest.raises(ValidationError) as e:
        check_file(
            name="odd.pdf",
            data=b"%PDF-1.4\n1 0 obj<</Author(" + AUTHOR.encode() + b")>>endobj\ntrailer<</Info 1 0 R>>\n",
        )
    assert "odd.pdf" in e.value.messages[0]


@pytest.mark.parametrize(("make", "content_type"), [(docx_with_metadata, DOCX), (odt_with_metadata, ODT)])
def test_an_office_document_loses_its_properties(make, content_type):
    original = make()
    assert AUTHOR.encode() in unpacked(original)
    checked = check_file(name="letter", data=original)
    assert checked.content_type == content_type
    assert AUTHOR.encode() not in unpacked(checked.data)
    assert b"Ministry of Secrets" not in unpacked(checked.data)
    assert b"Evidence" in unpacked(checked.data)  # the content itself is kept
    with zipfile.ZipFile(io.BytesIO(checked.data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}  # when it was saved
        if content_type == ODT:  # an ODF package must still start with its uncompressed mimetype
            first = z.infolist()[0]
            assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def test_an_office_document_that_unpacks_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(files, "OFFICE_MAX_UNPACKED_BYTES", 100)
    with pytest.raises(ValidationError) as e:
        check_file(name="bomb.docx", data=docx_with_metadata())
    assert "bomb.docx" in e.value.messages[0]


def test_the_forms_say_which_files_keep_their_metadata(client, db):
    page = client.get(reverse("hotline:report_new"), headers={"Accept-Language": "en"}).content.decode()
    assert "HEIC pictures, audio and video keep theirs" in page


# --- requests: size capped before reading, files streamed to disk ---


def test_uploads_are_streamed_to_temporary_files():
    request = RequestFactory().post("/report/new/", {"files": SimpleUploadedFile("a.pdf", b"%PDF-1.4 small")})
    assert isinstance(request.FILES["files"], TemporaryUploadedFile)


def test_a_too_large_request_is_refused_with_a_page_in_the_users_language(client, db, settings):
    settings.ADAL_REQUEST_MAX_BYTES = 4096
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 8192)
    response = client.post(
        reverse("hotline:report_new"), {**FORM, "files": [big]}, headers={"Accept-Language": "kk"}
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert 'lang="kk"' in page and "Ештеңе сақталмады" in page
    assert Report.objects.count() == 0


def test_a_too_large_api_request_is_413_json(client, db, settings):
    settings.ADAL_REQUEST_MAX_BYTES = 4096
    response = client.post(
        API, json.dumps({**EXAMPLE_REPORT, "description": "x" * 8000}), content_type="application/json"
    )
    assert response.status_code == 413
    assert "4096" not in response.json()["detail"] and response.json()["detail"]
    assert Report.objects.count() == 0


def test_a_page_refuses_a_picture_bomb_with_a_form_error(client, db):
    bomb = SimpleUploadedFile("bomb.png", png_claiming(15_000, 15_000), content_type="image/png")
    response = client.post(reverse("hotline:report_new"), {**FORM, "files": [bomb]})
    assert response.status_code == 400
    assert "bomb.png" in response.content.decode()
    assert Report.objects.count() == 0


def test_a_page_stores_an_office_document_without_its_properties(client, db):
    letter = SimpleUploadedFile("letter.docx", docx_with_metadata())
    assert client.post(reverse("hotline:report_new"), {**FORM, "files": [letter]}).status_code == 302
    stored = read_decrypted(Attachment.objects.get().stored_name)
    assert AUTHOR.encode() not in unpacked(stored)


def receipt_auth(client) -> dict:
    response = client.post(API, json.dumps(EXAMPLE_REPORT), content_type="application/json")
    return {"Authorization": f"Receipt {response.json()['receipt']}"}


def test_the_api_refuses_a_picture_bomb_with_422_in_the_users_language(client, db):
    auth = receipt_auth(client)
    answers = {
        lang: client.post(
            API + "/attachments",
            {"files": [SimpleUploadedFile("bomb.png", png_claiming(15_000, 15_000))]},
            headers={**auth, "Accept-Language": lang},
        )
        for lang in ("en", "kk")
    }
    assert {a.status_code for a in answers.values()} == {422}
    en, kk = (answers[lang].json()["detail"][0]["msg"] for lang in ("en", "kk"))
    assert "bomb.png" in en and "bomb.png" in kk and en != kk
    assert Attachment.objects.count() == 0


def test_the_api_stores_a_pdf_without_its_metadata(client, db):
    auth = receipt_auth(client)
    response = client.post(
        API + "/attachments", {"files": [SimpleUploadedFile("scan.pdf", pdf_with_metadata())]}, headers=auth
    )
    assert response.status_code == 201, response.content
    with pikepdf.open(io.BytesIO(read_decrypted(Attachment.objects.get().stored_name))) as pdf:
        assert "/Author" not in pdf.docinfo and "/Metadata" not in pdf.Root


def test_the_schema_documents_413_for_uploads(client, db):
    responses = client.get("/api/openapi.json").json()["paths"][API + "/attachments"]["post"]["responses"]
    assert {"413", "422"} <= set(responses)


def test_a_view_that_takes_larger_files_keeps_its_own_limit(client, db, settings):
    """The survey's microdata upload takes files far larger than a reporter's evidence."""
    settings.ADAL_REQUEST_MAX_BYTES = 4096
    data = SimpleUploadedFile("wave.csv", b"a,b\n" + b"1,2\n" * 4096)
    response = client.post(reverse("survey:staff_upload", args=[1]), {"file": data})
    assert response.status_code != 413  # refused for the missing sign-in instead
