"""A period report frozen for the record: the data it was issued with, so the same report is produced
again later whatever the live figures have become since."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def content_hash(snapshot: dict) -> str:
    """SHA-256 of the snapshot as canonical JSON (keys sorted): the same on SQLite and PostgreSQL,
    whose jsonb keeps keys in its own order."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class FrozenReport(models.Model):
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    title = models.CharField(_("title"), max_length=300)
    issued_for = models.CharField(_("issued for"), max_length=300)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    snapshot = models.JSONField(_("data snapshot"))
    content_hash = models.CharField(_("content hash"), max_length=64)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("frozen period report")
        verbose_name_plural = _("frozen period reports")

    def __str__(self):
        return self.title

    @property
    def intact(self) -> bool:
        """Whether the stored snapshot is still the one issued."""
        return content_hash(self.snapshot) == self.content_hash
