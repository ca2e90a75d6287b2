from tortoise import migrations
from tortoise.migrations import operations as ops
from talentloop.attendance.models import OvertimeStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('talentloop', '0016_recruitment')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OvertimeRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='overtime_requests', on_delete=OnDelete.CASCADE)),
                ('date', fields.DateField()),
                ('hours', fields.DecimalField(max_digits=4, decimal_places=1)),
                ('reason', fields.CharField(default='', max_length=255)),
                ('status', fields.CharEnumField(default=OvertimeStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nCANCELLED: cancelled', enum_type=OvertimeStatus, max_length=16)),
                ('requested_by', fields.ForeignKeyField('talentloop.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='overtime_requests_made', on_delete=OnDelete.SET_NULL)),
                ('decided_by', fields.ForeignKeyField('talentloop.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='overtime_decisions', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_note', fields.CharField(default='', max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'overtime_request', 'app': 'talentloop', 'indexes': [Index(fields=['employee_id', 'date'])], 'pk_attr': 'id', 'table_description': 'A request to work overtime on one day (加班申请) and its decision through the approvals engine'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AttendanceRuleSet',
            name='overtime_needs_approval',
            field=fields.BooleanField(default=False),
        ),
    ]
