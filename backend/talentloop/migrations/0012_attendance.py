from tortoise import migrations
from tortoise.migrations import operations as ops
from talentloop.attendance.models import HoursSystem, LeaveStatus, LeaveType, PunchSource
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('talentloop', '0010_jobs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AllowedLocation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('unit', fields.ForeignKeyField('talentloop.OrgUnit', source_field='unit_id', db_constraint=True, to_field='id', related_name='attendance_locations', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=128)),
                ('latitude', fields.FloatField()),
                ('longitude', fields.FloatField()),
                ('radius_meters', fields.IntField()),
            ],
            options={'table': 'attendance_location', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': "A place where a unit's people may clock in from a phone: a centre and a radius"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AttendanceProfile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.OneToOneField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='attendance_profile', on_delete=OnDelete.CASCADE)),
                ('work_start_date', fields.DateField(null=True)),
            ],
            options={'table': 'attendance_profile', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': 'What attendance and leave need of an employee that the employee record does not hold'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AttendanceRuleSet',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('unit', fields.OneToOneField('talentloop.OrgUnit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='attendance_rule_set', on_delete=OnDelete.CASCADE)),
                ('region', fields.CharField(null=True, unique=True, max_length=64)),
                ('hours_system', fields.CharEnumField(default=HoursSystem.STANDARD, description='STANDARD: standard\nCOMPREHENSIVE: comprehensive\nFLEXIBLE: flexible', enum_type=HoursSystem, max_length=16)),
                ('work_start_minute', fields.IntField()),
                ('work_end_minute', fields.IntField()),
                ('break_start_minute', fields.IntField(null=True)),
                ('break_end_minute', fields.IntField(null=True)),
                ('grace_minutes', fields.IntField(default=0)),
                ('late_absent_minutes', fields.IntField(default=120)),
                ('early_absent_minutes', fields.IntField(default=120)),
                ('overtime_unit_minutes', fields.IntField(default=30)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'attendance_rule_set', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': 'The attendance rules of a unit subtree or a region: the shift and the working-hour system'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeaveRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='leave_requests', on_delete=OnDelete.CASCADE)),
                ('leave_type', fields.CharEnumField(description='ANNUAL: annual\nSICK: sick\nPERSONAL: personal\nMARRIAGE: marriage\nMATERNITY: maternity\nPATERNITY: paternity\nBEREAVEMENT: bereavement', enum_type=LeaveType, max_length=16)),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField()),
                ('days', fields.IntField()),
                ('reason', fields.CharField(default='', max_length=255)),
                ('status', fields.CharEnumField(default=LeaveStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nCANCELLED: cancelled', enum_type=LeaveStatus, max_length=16)),
                ('requested_by', fields.ForeignKeyField('talentloop.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='leave_requests_made', on_delete=OnDelete.SET_NULL)),
                ('decided_by', fields.ForeignKeyField('talentloop.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='leave_decisions', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_note', fields.CharField(default='', max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'leave_request', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': 'A request for whole days of leave and its decision by the manager or unit HR'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Punch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='punches', on_delete=OnDelete.CASCADE)),
                ('punched_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('source', fields.CharEnumField(description='WEB: web\nMOBILE: mobile\nDEVICE: device', enum_type=PunchSource, max_length=8)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('distance_meters', fields.IntField(null=True)),
                ('location', fields.ForeignKeyField('talentloop.AllowedLocation', source_field='location_id', null=True, db_constraint=True, to_field='id', related_name='punches', on_delete=OnDelete.SET_NULL)),
                ('device_id', fields.CharField(null=True, max_length=64)),
                ('recorded_by', fields.ForeignKeyField('talentloop.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='recorded_punches', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'attendance_punch', 'app': 'talentloop', 'unique_together': (('employee', 'punched_at'),), 'pk_attr': 'id', 'table_description': 'One clock-in or clock-out, from the web, a phone or a device file'},
            bases=['Model'],
        ),
    ]
