import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from adal.hotline.files import check_file


def test_pictures_lose_their_location_and_camera_data(jpeg_with_gps):
    with Image.open(io.BytesIO(jpeg_with_gps)) as original:
        assert original.getexif()  # the fixture really has EXIF
    checked = check_file(name="photo.jpg", data=jpeg_with_gps)
    assert checked.content_type == "image/jpeg"
    with Image.open(io.BytesIO(checked.data)) as clean:
        assert not clean.getexif()
        assert clean.size == (16, 16)
    assert b"PhoneMaker" not in checked.data


def test_the_type_comes_from_the_content_not_the_name(pdf_bytes):
    assert check_file(name="scan.jpg", data=pdf_bytes).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100),  # a Windows program
        ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 100),  # a Linux program
        ("note.pdf", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
    ],
)
def test_disguised_or_empty_files_are_refused(name, data):
    with pytest.raises(ValidationError) as e:
        check_file(name=name, data=data)
    assert name in e.value.messages[0]


def test_a_damaged_picture_is_refused():
    with pytest.raises(ValidationError):
        check_file(name="broken.jpg", data=b"\xff\xd8\xff\xe0" + b"\x00" * 50)


def test_paths_in_names_are_dropped(pdf_bytes):
    assert check_file(name="../../etc/passwd.pdf", data=pdf_bytes).name == "passwd.pdf"
