import json

from django.db import models

from adal.core import crypto


class EncryptedField(models.BinaryField):
    """Stores a value AES-GCM-encrypted; the database never sees the plaintext.

    The associated data is the field's label (``app.Model.field``), so a ciphertext copied into
    another column does not open. Encrypted fields cannot be filtered or ordered on, by design.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    @property
    def aad(self) -> bytes:
        return f"{self.model._meta.label}.{self.name}".encode()

    def to_bytes(self, value) -> bytes:
        raise NotImplementedError

    def from_bytes(self, data: bytes):
        raise NotImplementedError

    def get_prep_value(self, value):
        if value is None:
            return None
        return super().get_prep_value(crypto.encrypt(self.to_bytes(value), aad=self.aad))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.from_bytes(crypto.decrypt(bytes(value), aad=self.aad))

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        return ""  # never serialise plaintext into fixtures or dumps


class EncryptedTextField(EncryptedField):
    def to_bytes(self, value) -> bytes:
        return str(value).encode()

    def from_bytes(self, data: bytes):
        return data.decode()


class EncryptedJSONField(EncryptedField):
    def to_bytes(self, value) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode()

    def from_bytes(self, data: bytes):
        return json.loads(data)


class EncryptedBytesField(EncryptedField):
    """Raw bytes under the key ring, e.g. an envelope's data key: ``rotate_keys`` re-wraps it."""

    def to_bytes(self, value) -> bytes:
        return bytes(value)

    def from_bytes(self, data: bytes):
        return data


def encrypted_fields(model) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
