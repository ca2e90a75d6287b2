from tortoise import migrations
from tortoise.migrations import operations as ops
from talentloop.records.models import ContractKind, DocumentType, EventKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# Employee records, contracts, events and the archive. (There is no 0011: the number was held
# by this migration while it was built beside attendance's 0012, which landed first.)


class Migration(migrations.Migration):
    dependencies = [('talentloop', '0012_attendance')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ArchiveDocument',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='archive_documents', on_delete=OnDelete.RESTRICT)),
                ('doc_type', fields.CharEnumField(description='ID_COPY: id_copy\nDIPLOMA: diploma\nCONTRACT_SCAN: contract_scan\nCERTIFICATE: certificate\nOTHER: other', enum_type=DocumentType, max_length=16)),
                ('file_name', fields.CharField(max_length=255)),
                ('media_type', fields.CharField(max_length=64)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(unique=True, max_length=128)),
                ('uploaded_by', fields.CharField(null=True, max_length=64)),
                ('uploaded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'archive_document', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': "A file in the employee's archive. The bytes live in the configured storage under `storage_key`, never in the database."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Contract',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='contracts', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='FIXED_TERM: fixed_term\nOPEN_ENDED: open_ended\nTASK: task', enum_type=ContractKind, max_length=16)),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField(null=True, db_index=True)),
                ('probation_end', fields.DateField(null=True, db_index=True)),
                ('signed_on', fields.DateField()),
                ('renews', fields.ForeignKeyField('talentloop.Contract', source_field='renews_id', null=True, db_constraint=True, to_field='id', related_name='renewals', on_delete=OnDelete.SET_NULL)),
                ('note', fields.CharField(null=True, max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contract', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': 'A labour contract. A renewal is a new contract pointing to the one it renews.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Education',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='education', on_delete=OnDelete.CASCADE)),
                ('school', fields.CharField(max_length=128)),
                ('degree', fields.CharField(max_length=64)),
                ('major', fields.CharField(null=True, max_length=128)),
                ('start_date', fields.DateField(null=True)),
                ('end_date', fields.DateField(null=True)),
            ],
            options={'table': 'education', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': "A school or degree in the employee's record (personal data)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EmergencyContact',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='emergency_contacts', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=64)),
                ('relationship', fields.CharField(max_length=32)),
                ('phone', fields.CharField(max_length=32)),
            ],
            options={'table': 'emergency_contact', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': 'Whom to call in an emergency (personal data).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EmploymentEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='employment_events', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='ONBOARDING: onboarding\nTRANSFER: transfer\nRESIGNATION: resignation', enum_type=EventKind, max_length=16)),
                ('effective_date', fields.DateField(db_index=True)),
                ('from_unit_id', fields.IntField(null=True)),
                ('to_unit_id', fields.IntField(null=True)),
                ('from_position_id', fields.IntField(null=True)),
                ('to_position_id', fields.IntField(null=True)),
                ('note', fields.CharField(null=True, max_length=255)),
                ('actor_username', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'employment_event', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': 'Onboarding, a transfer or a resignation, with the unit and position before and after.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WorkHistory',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('employee', fields.ForeignKeyField('talentloop.Employee', source_field='employee_id', db_constraint=True, to_field='id', related_name='work_history', on_delete=OnDelete.CASCADE)),
                ('employer', fields.CharField(max_length=128)),
                ('title', fields.CharField(max_length=128)),
                ('start_date', fields.DateField(null=True)),
                ('end_date', fields.DateField(null=True)),
            ],
            options={'table': 'work_history', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': 'A job held before joining the company (personal data).'},
            bases=['Model'],
        ),
        # Every record of the domain is read by employee (0009_indexes: Tortoise makes no index
        # for a foreign key).
        ops.AddIndex(model_name='Contract', index=Index(fields=['employee_id', 'start_date'])),
        ops.AddIndex(model_name='EmploymentEvent', index=Index(fields=['employee_id', 'effective_date'])),
        ops.AddIndex(model_name='ArchiveDocument', index=Index(fields=['employee_id'])),
        ops.AddIndex(model_name='Education', index=Index(fields=['employee_id'])),
        ops.AddIndex(model_name='WorkHistory', index=Index(fields=['employee_id'])),
        ops.AddIndex(model_name='EmergencyContact', index=Index(fields=['employee_id'])),
    ]
