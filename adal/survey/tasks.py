from django.tasks import task

from adal.core.permissions import WORKER


@task
def import_microdata(*, import_id: int) -> dict:
    """Check and store an uploaded file; if every row was good, weight the wave and compute its index."""
    from adal.survey.models import MicrodataImport
    from adal.survey.services import microdata_import_run, wave_weight

    record = microdata_import_run(microdata_import=MicrodataImport.objects.get(pk=import_id))
    if record.state == MicrodataImport.State.DONE:
        wave_weight(wave=record.wave, by=WORKER)
    return {"state": record.state, "rows": record.rows_read, "bad_rows": record.bad_rows}
