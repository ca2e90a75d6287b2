from tortoise import migrations
from tortoise.migrations import operations as ops
from talentloop.privacy.models import ExportStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('talentloop', '0017_overtime')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SensitiveExport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('unit', fields.ForeignKeyField('talentloop.OrgUnit', source_field='unit_id', db_constraint=True, to_field='id', related_name='sensitive_exports', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=500)),
                ('requested_by', fields.ForeignKeyField('talentloop.User', source_field='requested_by_id', db_constraint=True, to_field='id', related_name='sensitive_exports', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=ExportStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nREADY: ready\nEXPIRED: expired\nCANCELLED: cancelled\nFAILED: failed', enum_type=ExportStatus, max_length=16)),
                ('row_count', fields.IntField(default=0)),
                ('progress', fields.IntField(default=0)),
                ('step', fields.CharField(default='', max_length=128)),
                ('error', fields.CharField(default='', max_length=255)),
                ('job', fields.ForeignKeyField('talentloop.Job', source_field='job_id', null=True, db_constraint=True, to_field='id', related_name='sensitive_exports', on_delete=OnDelete.SET_NULL)),
                ('file_name', fields.CharField(default='', max_length=128)),
                ('content', fields.BinaryField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ready_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sensitive_export', 'app': 'talentloop', 'indexes': [Index(fields=['requested_by_id', 'created_at']), Index(fields=['status', 'expires_at'])], 'pk_attr': 'id', 'table_description': "A request for the ID numbers and bank accounts of a unit's people, and its file once approved."},
            bases=['Model'],
        ),
    ]
