"""Time is local (issue 21 point 4): a unit may name its IANA time zone (the company root's is
the company's; a branch elsewhere sets its own, the subtree inherits), and a session may name
the zone it is held in. Both null by default: Asia/Shanghai, or the zone above."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0033_contract_end")]

    initial = False

    operations = [
        ops.AddField(
            model_name="OrgUnit",
            name="time_zone",
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name="CourseSession",
            name="time_zone",
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
