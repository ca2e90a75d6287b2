from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# Issue 19: accounts made by HR, with an invitation link or an initial password to change.
class Migration(migrations.Migration):
    dependencies = [('talentloop', '0024_languages')]

    initial = False

    operations = [
        ops.AddField(
            model_name='User',
            name='must_change_password',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.CreateModel(
            name='AccountInvitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('talentloop.User', source_field='user_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('talentloop.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='invitations_sent', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'account_invitation', 'app': 'talentloop', 'indexes': [Index(fields=['user_id', 'used_at'])], 'pk_attr': 'id', 'table_description': 'A link that lets a person set their first (or a reset) password: single use, expiring,'},
            bases=['Model'],
        ),
    ]
