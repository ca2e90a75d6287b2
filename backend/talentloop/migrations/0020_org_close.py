from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


# Issue 19: a unit with nobody left can be closed (kept for its history, no longer used).
class Migration(migrations.Migration):
    dependencies = [('talentloop', '0019_skills_recruitment_guards')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OrgUnit',
            name='closed_on',
            field=fields.DateField(null=True),
        ),
    ]
