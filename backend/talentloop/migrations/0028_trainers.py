from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from talentloop.training.models import TrainerKind

# Issue 19 point 2: a register of trainers (internal or external, a unit's or company-wide);
# a session names one, can be cancelled with a reason, and the enrolments it cancels say so.
class Migration(migrations.Migration):
    dependencies = [("talentloop", "0027_training_records")]

    initial = False

    operations = [
        ops.CreateModel(
            name='Trainer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='INTERNAL: internal\nEXTERNAL: external', enum_type=TrainerKind, max_length=16)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', null=True, db_constraint=True, to_field='id', related_name='trainer_entries', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(max_length=64)),
                ('organisation', fields.CharField(default='', max_length=128)),
                ('phone', fields.CharField(default='', max_length=32)),
                ('email', fields.CharField(default='', max_length=128)),
                ('daily_fee', fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ('topics', fields.CharField(default='', max_length=255)),
                ('unit', fields.ForeignKeyField('talentloop.OrgUnit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='trainers', on_delete=OnDelete.SET_NULL)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'trainer', 'app': 'talentloop', 'indexes': [Index(fields=['unit_id']), Index(fields=['employee_id'])], 'pk_attr': 'id', 'table_description': "Who teaches: an employee or an outsider. A company-wide trainer (no unit) is HQ HR's, a unit's is its HR's. Never deleted: turned inactive."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CourseSession',
            name='registered_trainer',
            field=fields.ForeignKeyField('talentloop.Trainer', source_field='registered_trainer_id', null=True, db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='CourseSession',
            name='cancelled_at',
            field=fields.DatetimeField(null=True),
        ),
        ops.AddField(
            model_name='CourseSession',
            name='cancel_reason',
            field=fields.CharField(default='', db_default='', max_length=255),
        ),
        ops.AddField(
            model_name='Enrollment',
            name='cancelled_by_company',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
