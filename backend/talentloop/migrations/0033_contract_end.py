"""Contracts that end early (issue 19, "contracts signed, renewed and ended"): why a contract
ended before its own end, and the kind of leaving on a RESIGNATION event, so that the turnover
report counts a dismissal as involuntary. Earlier events are filled in from their note, which
a termination wrote as "<kind>: <reason>"."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from talentloop.people.models import TerminationKind
from talentloop.records.models import ContractEndReason

KINDS = ("resignation", "dismissal", "mutual_agreement", "contract_expiry")


async def fill_kinds(apps, schema_editor) -> None:
    client = schema_editor.client
    for kind in KINDS:
        await client.execute_query(
            f"UPDATE employment_event SET termination_kind = '{kind}' "
            f"WHERE kind = 'resignation' AND termination_kind IS NULL AND note LIKE '{kind}:%'"
        )


async def nothing(apps, schema_editor) -> None:
    """Backwards: the columns are dropped."""


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0032_punch_corrections")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Contract",
            name="end_reason",
            field=fields.CharEnumField(ContractEndReason, null=True, max_length=24),
        ),
        ops.AddField(
            model_name="EmploymentEvent",
            name="termination_kind",
            field=fields.CharEnumField(TerminationKind, null=True, max_length=16),
        ),
        ops.RunPython(fill_kinds, nothing),
    ]
