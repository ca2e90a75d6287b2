from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from talentloop.skills.models import AttemptStatus
from tortoise import fields
from tortoise.indexes import Index

# Issue 18: a résumé shared with an interview's panel; skill tests drawn from a pool with
# limited attempts, started before they are submitted.
class Migration(migrations.Migration):
    dependencies = [('talentloop', '0018_exports')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Interview',
            name='share_resume',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AlterModelOptions(
            name='SkillTest',
            options={'table': 'skill_test', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': "A test drawn from a pool of a competency's questions. Its score maps to a level."},
        ),
        ops.AddField(
            model_name='SkillTest',
            name='attempt_period_days',
            field=fields.IntField(default=90, db_default=90),
        ),
        ops.AddField(
            model_name='SkillTest',
            name='cooldown_hours',
            field=fields.IntField(default=24, db_default=24),
        ),
        ops.AddField(
            model_name='SkillTest',
            name='max_attempts',
            field=fields.IntField(default=3, db_default=3),
        ),
        ops.AddField(
            model_name='SkillTest',
            name='question_count',
            field=fields.IntField(default=10, db_default=10),
        ),
        ops.AlterModelOptions(
            name='TestAttempt',
            options={'table': 'test_attempt', 'app': 'talentloop', 'indexes': [Index(fields=['employee_id', 'submitted_at'])], 'pk_attr': 'id', 'table_description': 'One sitting of a test: started (its questions drawn), then submitted once and scored.'},
        ),
        ops.AddField(
            model_name='TestAttempt',
            name='question_ids',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='TestAttempt',
            name='started_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='TestAttempt',
            name='status',
            field=fields.CharEnumField(default=AttemptStatus.SUBMITTED, description='IN_PROGRESS: in_progress\nSUBMITTED: submitted', db_default='submitted', enum_type=AttemptStatus, max_length=16),
        ),
    ]
