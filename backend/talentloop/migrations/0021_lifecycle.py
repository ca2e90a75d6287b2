from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from talentloop.approvals.models import RequestType
from talentloop.people.models import LifecycleKind, LifecycleStatus, TerminationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# Issue 19: the employee lifecycle through approvals (people/lifecycle.py): lifecycle changes
# and their request types.
class Migration(migrations.Migration):
    dependencies = [('talentloop', '0020_org_close')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LifecycleChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='PROBATION_CONFIRMATION: probation_confirmation\nTRANSFER: transfer\nTERMINATION: termination', enum_type=LifecycleKind, max_length=24)),
                ('status', fields.CharEnumField(default=LifecycleStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nAPPLIED: applied\nREJECTED: rejected\nCANCELLED: cancelled', enum_type=LifecycleStatus, max_length=16)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='lifecycle_changes', on_delete=OnDelete.CASCADE)),
                ('requested_by_id', fields.IntField(null=True)),
                ('effective_date', fields.DateField(db_index=True)),
                ('from_unit_id', fields.IntField(null=True)),
                ('from_position_id', fields.IntField(null=True)),
                ('from_manager_id', fields.IntField(null=True)),
                ('to_unit_id', fields.IntField(null=True)),
                ('to_position_id', fields.IntField(null=True)),
                ('to_manager_id', fields.IntField(null=True)),
                ('to_base_salary', fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ('termination_kind', fields.CharEnumField(null=True, description='RESIGNATION: resignation\nDISMISSAL: dismissal', enum_type=TerminationKind, max_length=16)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('checklist', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('applied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'lifecycle_change', 'app': 'talentloop', 'indexes': [Index(fields=['employee_id', 'status']), Index(fields=['status', 'effective_date'])], 'pk_attr': 'id', 'table_description': "A change to someone's employment that runs through the approvals engine: a probation"},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='ApprovalFlow',
            name='request_type',
            field=fields.CharEnumField(description='LEAVE: leave\nOVERTIME: overtime\nREQUISITION: requisition\nOFFER: offer\nPAY_RESTORE: pay_restore\nPAYROLL_RUN: payroll_run\nTRAINING_ENROLMENT: training_enrolment\nDATA_EXPORT: data_export\nPROBATION_CONFIRMATION: probation_confirmation\nTRANSFER: transfer\nTERMINATION: termination', enum_type=RequestType, max_length=24),
        ),
        ops.AlterField(
            model_name='ApprovalRequest',
            name='request_type',
            field=fields.CharEnumField(description='LEAVE: leave\nOVERTIME: overtime\nREQUISITION: requisition\nOFFER: offer\nPAY_RESTORE: pay_restore\nPAYROLL_RUN: payroll_run\nTRAINING_ENROLMENT: training_enrolment\nDATA_EXPORT: data_export\nPROBATION_CONFIRMATION: probation_confirmation\nTRANSFER: transfer\nTERMINATION: termination', enum_type=RequestType, max_length=24),
        ),
    ]
