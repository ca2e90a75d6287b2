from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from talentloop.accounts.models import Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# Issue 19: roles become data. Custom roles (HQ HR's), and role grants: a user holds several,
# each at a scope. Every existing user's role and scope unit become their first (primary) grant.


async def first_grants(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(
        "INSERT INTO role_grant (user_id, role, scope_unit_id, is_primary, granted_at) "
        "SELECT id, role, scope_unit_id, TRUE, CURRENT_TIMESTAMP FROM user_account"
    )


async def drop_grants(apps, schema_editor) -> None:
    await schema_editor.client.execute_script("DELETE FROM role_grant")


class Migration(migrations.Migration):
    dependencies = [('talentloop', '0022_policy_tables')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CustomRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name_zh', fields.CharField(unique=True, max_length=64)),
                ('name_en', fields.CharField(unique=True, max_length=64)),
                ('groups', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('operations', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('based_on', fields.CharEnumField(null=True, description='ADMIN: admin\nHQ_HR: hq_hr\nBRANCH_HR: branch_hr\nMANAGER: manager\nEMPLOYEE: employee\nEXECUTIVE: executive', enum_type=Role, max_length=16)),
                ('created_by', fields.ForeignKeyField('talentloop.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='custom_roles_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'custom_role', 'app': 'talentloop', 'pk_attr': 'id', 'table_description': 'A role HQ HR defines: the field groups it reads and the operations it may perform'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RoleGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('talentloop.User', source_field='user_id', db_constraint=True, to_field='id', related_name='role_grants', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(null=True, description='ADMIN: admin\nHQ_HR: hq_hr\nBRANCH_HR: branch_hr\nMANAGER: manager\nEMPLOYEE: employee\nEXECUTIVE: executive', enum_type=Role, max_length=16)),
                ('custom_role', fields.ForeignKeyField('talentloop.CustomRole', source_field='custom_role_id', null=True, db_constraint=True, to_field='id', related_name='grants', on_delete=OnDelete.RESTRICT)),
                ('scope_unit', fields.ForeignKeyField('talentloop.OrgUnit', source_field='scope_unit_id', null=True, db_constraint=True, to_field='id', related_name='role_grants', on_delete=OnDelete.CASCADE)),
                ('is_primary', fields.BooleanField(default=False)),
                ('granted_by', fields.ForeignKeyField('talentloop.User', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name='grants_given', on_delete=OnDelete.SET_NULL)),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'role_grant', 'app': 'talentloop', 'indexes': [Index(fields=['user_id', 'is_primary']), Index(fields=['role']), Index(fields=['scope_unit_id'])], 'pk_attr': 'id', 'table_description': 'One role a user holds at a scope, a built-in role or a custom one.'},
            bases=['Model'],
        ),
        ops.RunPython(first_grants, drop_grants),
    ]
