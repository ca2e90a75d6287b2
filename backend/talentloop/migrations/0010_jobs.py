from tortoise import migrations
from tortoise.migrations import operations as ops
from talentloop.jobs.models import JobState
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('talentloop', '0009_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Job',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=32)),
                ('subject_id', fields.IntField()),
                ('state', fields.CharEnumField(default=JobState.QUEUED, description='QUEUED: queued\nRUNNING: running\nDONE: done\nFAILED: failed', enum_type=JobState, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('worker', fields.CharField(default='', max_length=128)),
                ('error', fields.CharField(default='', max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('heartbeat_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job', 'app': 'talentloop', 'unique_together': (('kind', 'subject_id'),), 'indexes': [Index(fields=['state', 'kind'])], 'pk_attr': 'id', 'table_description': 'One unit of background work, run by exactly one worker at a time.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ImportJob',
            name='content',
            field=fields.BinaryField(null=True),
        ),
    ]
