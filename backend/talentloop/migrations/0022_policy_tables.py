from tortoise import migrations
from tortoise.migrations import operations as ops
from talentloop.attendance.calendar import DayKind
from talentloop.attendance.models import CalendarSource
from tortoise.fields.base import OnDelete
from tortoise import fields

# Issue 19 (3): the work calendar's days entered by HQ HR (a year's State Council notice before
# the chinese-calendar package has it, and the company's own days).
class Migration(migrations.Migration):
    dependencies = [('talentloop', '0021_lifecycle')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('source', fields.CharEnumField(description='NOTICE: notice\nCOMPANY: company', enum_type=CalendarSource, max_length=16)),
                ('kind', fields.CharEnumField(description='WORKDAY: workday\nREST_DAY: rest_day\nSTATUTORY_HOLIDAY: statutory_holiday', enum_type=DayKind, max_length=24)),
                ('name', fields.CharField(default='', max_length=64)),
                ('note', fields.CharField(default='', max_length=255)),
                ('created_by', fields.ForeignKeyField('talentloop.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='calendar_days', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'work_calendar_day', 'app': 'talentloop', 'unique_together': (('day', 'source'),), 'pk_attr': 'id', 'table_description': "A day of the work calendar entered by HQ HR: from the State Council's notice for a year the chinese-calendar package does not cover yet, or a company override. Company days win over notice days, which win over the package (attendance/calendar.py)"},
            bases=['Model'],
        ),
    ]
