"""Reads of the hotline's own records that both its pages and the case pages above it show."""

import datetime as dt
from dataclasses import dataclass

from adal.hotline.models import Report, Transcript, TranscriptCorrection


@dataclass(frozen=True)
class TranscriptView:
    """A transcript with its corrections, and where the reporter's check of it stands."""

    transcript: Transcript
    corrections: list[TranscriptCorrection]

    @property
    def state(self) -> str:
        if self.transcript.confirmed_at:
            return Transcript.State.CONFIRMED
        return Transcript.State.CORRECTED if self.corrections else Transcript.State.AWAITING

    @property
    def state_label(self) -> str:
        return str(Transcript.State(self.state).label)

    @property
    def last_corrected_at(self) -> dt.datetime | None:
        return self.corrections[-1].submitted_at if self.corrections else None

    @property
    def may_check(self) -> bool:
        """Whether the reporter may still correct or confirm it: until they have confirmed it."""
        return self.transcript.confirmed_at is None


def transcript_of(report: Report) -> TranscriptView | None:
    transcript = Transcript.objects.select_related("written_by").filter(report=report).first()
    if transcript is None:
        return None
    return TranscriptView(transcript, list(transcript.corrections.all()))
