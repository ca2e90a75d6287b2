from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from talentloop.people.models import Gender
from talentloop.records.models import ContractKind, DocumentType
from talentloop.recruitment.models import (
    CandidateSource,
    OfferStatus,
    PostingStatus,
    Recommendation,
    RequisitionStatus,
    Stage,
)
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("talentloop", "0015_approvals")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Candidate",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("name", fields.CharField(max_length=64)),
                ("phone", fields.CharField(null=True, db_index=True, max_length=32)),
                ("email", fields.CharField(null=True, db_index=True, max_length=128)),
                (
                    "gender",
                    fields.CharEnumField(
                        null=True,
                        description="MALE: male\nFEMALE: female",
                        enum_type=Gender,
                        max_length=8,
                    ),
                ),
                ("birth_date", fields.DateField(null=True)),
                (
                    "education",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "work_history",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("resume_key", fields.CharField(null=True, max_length=128)),
                ("resume_name", fields.CharField(null=True, max_length=255)),
                ("resume_media_type", fields.CharField(null=True, max_length=64)),
                ("resume_size", fields.IntField(null=True)),
                ("resume_sha256", fields.CharField(null=True, max_length=64)),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="candidacies",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "candidate",
                "app": "talentloop",
                "pk_attr": "id",
                "table_description": "A person who applied: what they gave, kept until they are hired (then on the record).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Requisition",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="requisitions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "position",
                    fields.ForeignKeyField(
                        "talentloop.Position",
                        source_field="position_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="requisitions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("headcount", fields.IntField()),
                ("hired", fields.IntField(default=0)),
                ("budget", fields.DecimalField(max_digits=14, decimal_places=2)),
                ("reason", fields.CharField(default="", max_length=500)),
                (
                    "status",
                    fields.CharEnumField(
                        default=RequisitionStatus.PENDING,
                        description="PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nFILLED: filled\nCLOSED: closed",
                        enum_type=RequisitionStatus,
                        max_length=16,
                    ),
                ),
                (
                    "requested_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="requested_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="requisitions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "requisition",
                "app": "talentloop",
                "indexes": [Index(fields=["unit_id"]), Index(fields=["status"])],
                "pk_attr": "id",
                "table_description": "A request to hire headcount people into a position of a unit, within a budget.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Posting",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "requisition",
                    fields.ForeignKeyField(
                        "talentloop.Requisition",
                        source_field="requisition_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="postings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="postings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("title", fields.CharField(max_length=128)),
                ("description", fields.TextField(default="", unique=False)),
                ("location", fields.CharField(default="", max_length=64)),
                (
                    "status",
                    fields.CharEnumField(
                        default=PostingStatus.OPEN,
                        description="OPEN: open\nCLOSED: closed",
                        enum_type=PostingStatus,
                        max_length=8,
                    ),
                ),
                ("opened_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "posting",
                "app": "talentloop",
                "indexes": [Index(fields=["requisition_id"]), Index(fields=["unit_id", "status"])],
                "pk_attr": "id",
                "table_description": "An approved requisition advertised: what candidates apply to.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Application",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "candidate",
                    fields.ForeignKeyField(
                        "talentloop.Candidate",
                        source_field="candidate_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="applications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "posting",
                    fields.ForeignKeyField(
                        "talentloop.Posting",
                        source_field="posting_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="applications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "talentloop.OrgUnit",
                        source_field="unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="applications",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "source",
                    fields.CharEnumField(
                        description="REFERRAL: referral\nJOB_BOARD: job_board\nCAMPUS: campus\nWEBSITE: website\nAGENCY: agency\nOTHER: other",
                        enum_type=CandidateSource,
                        max_length=16,
                    ),
                ),
                (
                    "stage",
                    fields.CharEnumField(
                        default=Stage.SCREENING,
                        description="SCREENING: screening\nINTERVIEW: interview\nOFFER: offer\nACCEPTED: accepted\nDECLINED: declined\nREJECTED: rejected\nHIRED: hired",
                        enum_type=Stage,
                        max_length=16,
                    ),
                ),
                ("furthest", fields.IntField(default=0)),
                ("reason", fields.CharField(default="", max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("stage_changed_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="applications",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
            ],
            options={
                "table": "application",
                "app": "talentloop",
                "unique_together": (("candidate_id", "posting_id"),),
                "indexes": [Index(fields=["posting_id", "stage"]), Index(fields=["unit_id"])],
                "pk_attr": "id",
                "table_description": "A candidate in one posting's pipeline.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Interview",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "application",
                    fields.ForeignKeyField(
                        "talentloop.Application",
                        source_field="application_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="interviews",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("title", fields.CharField(max_length=128)),
                ("scheduled_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "interview",
                "app": "talentloop",
                "indexes": [Index(fields=["application_id"])],
                "pk_attr": "id",
                "table_description": "An interview round of an application, with its interviewers (one scorecard each).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Offer",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "application",
                    fields.ForeignKeyField(
                        "talentloop.Application",
                        source_field="application_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="offers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("monthly_salary", fields.DecimalField(max_digits=12, decimal_places=2)),
                ("start_date", fields.DateField()),
                (
                    "contract_kind",
                    fields.CharEnumField(
                        description="FIXED_TERM: fixed_term\nOPEN_ENDED: open_ended\nTASK: task",
                        enum_type=ContractKind,
                        max_length=16,
                    ),
                ),
                ("contract_months", fields.IntField(null=True)),
                ("probation_months", fields.IntField(default=0)),
                (
                    "status",
                    fields.CharEnumField(
                        default=OfferStatus.PENDING,
                        description="PENDING: pending\nAPPROVED: approved\nREJECTED: rejected\nACCEPTED: accepted\nDECLINED: declined\nWITHDRAWN: withdrawn",
                        enum_type=OfferStatus,
                        max_length=16,
                    ),
                ),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="offers_made",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "offer",
                "app": "talentloop",
                "indexes": [Index(fields=["application_id"])],
                "pk_attr": "id",
                "table_description": "The terms offered to a candidate: approved through the engine, then accepted or not.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="OnboardingTask",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "application",
                    fields.ForeignKeyField(
                        "talentloop.Application",
                        source_field="application_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="onboarding",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "employee",
                    fields.ForeignKeyField(
                        "talentloop.Employee",
                        source_field="employee_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="onboarding_tasks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("key", fields.CharField(null=True, max_length=32)),
                ("title", fields.CharField(max_length=128)),
                ("position", fields.IntField(default=0)),
                ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("done_by", fields.CharField(null=True, max_length=64)),
            ],
            options={
                "table": "onboarding_task",
                "app": "talentloop",
                "indexes": [Index(fields=["application_id"]), Index(fields=["employee_id"])],
                "pk_attr": "id",
                "table_description": "One item of an accepted candidate's onboarding checklist (the employee's after hire).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Scorecard",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "interview",
                    fields.ForeignKeyField(
                        "talentloop.Interview",
                        source_field="interview_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="scorecards",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "interviewer",
                    fields.ForeignKeyField(
                        "talentloop.User",
                        source_field="interviewer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="scorecards",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "ratings",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "recommendation",
                    fields.CharEnumField(
                        null=True,
                        description="STRONG_YES: strong_yes\nYES: yes\nNO: no\nSTRONG_NO: strong_no",
                        enum_type=Recommendation,
                        max_length=16,
                    ),
                ),
                ("notes", fields.TextField(default="", unique=False)),
                (
                    "submitted_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "scorecard",
                "app": "talentloop",
                "unique_together": (("interview_id", "interviewer_id"),),
                "indexes": [Index(fields=["interviewer_id", "submitted_at"])],
                "pk_attr": "id",
                "table_description": "One interviewer's assessment of one interview (empty until they submit it).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="StageChange",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "application",
                    fields.ForeignKeyField(
                        "talentloop.Application",
                        source_field="application_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="stage_changes",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "from_stage",
                    fields.CharEnumField(
                        null=True,
                        description="SCREENING: screening\nINTERVIEW: interview\nOFFER: offer\nACCEPTED: accepted\nDECLINED: declined\nREJECTED: rejected\nHIRED: hired",
                        enum_type=Stage,
                        max_length=16,
                    ),
                ),
                (
                    "to_stage",
                    fields.CharEnumField(
                        description="SCREENING: screening\nINTERVIEW: interview\nOFFER: offer\nACCEPTED: accepted\nDECLINED: declined\nREJECTED: rejected\nHIRED: hired",
                        enum_type=Stage,
                        max_length=16,
                    ),
                ),
                ("actor_username", fields.CharField(null=True, max_length=64)),
                ("note", fields.CharField(default="", max_length=255)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "application_stage_change",
                "app": "talentloop",
                "indexes": [Index(fields=["application_id"])],
                "pk_attr": "id",
                "table_description": "An application's move from one stage to another, by whom and when.",
            },
            bases=["Model"],
        ),
        ops.AlterField(
            model_name="ArchiveDocument",
            name="doc_type",
            field=fields.CharEnumField(
                description="ID_COPY: id_copy\nDIPLOMA: diploma\nCONTRACT_SCAN: contract_scan\nCERTIFICATE: certificate\nRESUME: resume\nOTHER: other",
                enum_type=DocumentType,
                max_length=16,
            ),
        ),
    ]
