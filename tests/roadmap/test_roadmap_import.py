"""Import and export of a road map keyed by external ids: the same file again changes nothing, a changed
file shows its differences before they are applied, and a bad row refuses the whole file, named."""

import datetime as dt

import pytest
from django.utils import translation

from adal.core.models import AuditEvent
from adal.core.permissions import SYSTEM, NotAllowed
from adal.roadmap.importers import changes_of, export_csv, export_xlsx, parse_roadmap
from adal.roadmap.models import Measure, RoadmapImport, Stage
from adal.roadmap.services import ImportInvalid, import_apply, import_file, import_stage

COLUMNS = "kind,id,stage,parent,order,title_ru,title_kk,title_en,responsible_unit,starts_on,deadline,weight"
HEADER = COLUMNS + ",rollup\n"


def table(units, *, extra="", deadline="2021-12-31"):
    return (
        HEADER
        + "stage,s2,,,2,Второй этап,Екінші кезең,Stage two,,2020-04-01,2025-12-31,,\n"
        + f"measure,2.1,s2,,1,Общественный контроль,Қоғамдық бақылау,Public control,,,{deadline},2,minimum\n"
        + f"measure,2.1.1,s2,2.1,1,Концепция,Тұжырымдама,Concept,{units['aktobe'].pk},,2020-12-31,,\n"
        + f"measure,2.1.2,s2,2.1,2,Законопроект,Заң жобасы,Bill,{units['aktobe'].pk},,2021-06-30,,\n"
        + extra
    ).encode()


def snapshot(programme):
    return sorted(
        Measure.objects.filter(programme=programme).values_list(
            "code", "parent__code", "title_en", "deadline", "weight", "rollup", "responsible_unit"
        )
    )


def test_a_file_builds_the_tree(programme, units):
    import_file(programme=programme, file_name="roadmap.csv", content=table(units), by=SYSTEM)
    stage = Stage.objects.get(programme=programme, code="s2")
    assert (stage.number, stage.title_kk, stage.ends_on) == (2, "Екінші кезең", dt.date(2025, 12, 31))
    top = Measure.objects.get(code="2.1")
    assert (top.rollup, top.weight, top.deadline) == ("minimum", 2, dt.date(2021, 12, 31))
    assert sorted(top.children.values_list("code", flat=True)) == ["2.1.1", "2.1.2"]


def test_the_same_file_again_changes_nothing(programme, units):
    import_file(programme=programme, file_name="roadmap.csv", content=table(units), by=SYSTEM)
    before, audit = snapshot(programme), AuditEvent.objects.count()
    assert changes_of(programme, parse_roadmap(programme, table(units))) == []
    import_file(programme=programme, file_name="roadmap.csv", content=table(units), by=SYSTEM)
    assert snapshot(programme) == before
    # only the import itself is recorded (staged, applied): no measure or stage was written
    assert list(AuditEvent.objects.filter(seq__gt=audit).values_list("action", flat=True)) == [
        "roadmap.import_staged",
        "roadmap.import_applied",
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_again_changes_nothing(programme, units, fmt):
    import_file(programme=programme, file_name="roadmap.csv", content=table(units), by=SYSTEM)
    exported = export_csv(programme) if fmt == "csv" else export_xlsx(programme)
    assert changes_of(programme, parse_roadmap(programme, exported)) == []


def test_a_changed_file_shows_its_differences_before_anything_is_written(programme, units, people):
    import_file(programme=programme, file_name="roadmap.csv", content=table(units), by=SYSTEM)
    before = snapshot(programme)
    changed = table(
        units, deadline="2022-06-30", extra="measure,2.2,s2,,2,Новая мера,Жаңа шара,New,,,2024-12-31,,\n"
    )
    batch = import_stage(programme=programme, file_name="v2.csv", content=changed, by=people["analyst"])
    assert snapshot(programme) == before  # staged: nothing written yet
    changes = changes_of(programme, parse_roadmap(programme, bytes(batch.content)))
    assert [(c.code, c.new) for c in changes] == [("2.1", False), ("2.2", True)]
    assert changes[0].fields == [("deadline", "2021-12-31", "2022-06-30")]
    import_apply(batch=batch, by=people["analyst"])
    assert Measure.objects.get(code="2.1").deadline == dt.date(2022, 6, 30)
    assert Measure.objects.filter(code="2.2").exists()


def test_a_bad_row_refuses_the_whole_file_and_each_is_named(programme, units):
    bad = table(
        units,
        extra=(
            "measure,2.3,s2,,3,Без срока,,,,,,,\n"
            "measure,2.4,s2,nowhere,4,Без родителя,,,,,2024-01-01,,\n"
            "measure,2.5,s2,,5,Плохой вес,,,,,2024-01-01,тяжёлый,median\n"
            "measure,2.1.1,s2,,6,Повтор,,,,,2024-01-01,,\n"
            "project,9,,,,Что-то,,,,,,,\n"
        ),
    )
    with translation.override("en"), pytest.raises(ImportInvalid) as refused:
        import_file(programme=programme, file_name="bad.csv", content=bad, by=SYSTEM)
    lines = sorted({e.line for e in refused.value.errors})
    assert lines == [6, 7, 8, 9, 10]
    with translation.override("en"):
        assert str(refused.value.errors[0]) == "Line 6: The deadline is missing."
    assert not Measure.objects.exists() and not Stage.objects.exists() and not RoadmapImport.objects.exists()


def test_a_service_refusal_names_its_row_and_nothing_is_written(programme, units):
    # A cycle across two rows: 2.1 under 2.1.1, which is under 2.1.
    cyclic = table(units).replace(b"measure,2.1,s2,,", b"measure,2.1,s2,2.1.1,")
    with pytest.raises(ImportInvalid) as refused:
        import_file(programme=programme, file_name="cycle.csv", content=cyclic, by=SYSTEM)
    assert refused.value.errors[0].line is not None
    assert not Measure.objects.exists()


def test_an_unknown_column_or_no_header_is_refused(programme, units):
    with pytest.raises(ImportInvalid):
        parse_roadmap(programme, b"kind,id,colour\nstage,s1,red\n")
    with pytest.raises(ImportInvalid):
        parse_roadmap(programme, b"just,a,table\n1,2,3\n")


def test_only_a_road_map_manager_imports(programme, units, people):
    with pytest.raises(NotAllowed):
        import_stage(programme=programme, file_name="x.csv", content=table(units), by=people["head"])


def test_an_applied_import_is_not_applied_twice(programme, units, people):
    from adal.roadmap.services import RoadmapRefused

    batch = import_stage(programme=programme, file_name="x.csv", content=table(units), by=people["analyst"])
    import_apply(batch=batch, by=people["analyst"])
    with pytest.raises(RoadmapRefused):
        import_apply(batch=batch, by=people["analyst"])
