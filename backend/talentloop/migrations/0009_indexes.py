from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

# Indexes for the filters, joins and sorts the API and the reports use (issue 8, the benchmark
# in bench/ shows where they matter). Foreign keys get no index of their own in Tortoise.


class Migration(migrations.Migration):
    dependencies = [('talentloop', '0008_versions')]

    initial = False

    operations = [
        # the employee list by unit subtree (join on unit), the manager edge, the position filter
        ops.AddIndex(model_name='Employee', index=Index(fields=['unit_id', 'employee_number'])),
        ops.AddIndex(model_name='Employee', index=Index(fields=['manager_id'])),
        ops.AddIndex(model_name='Employee', index=Index(fields=['position_id'])),
        # children of a unit (the tree, the dashboard breakdown)
        ops.AddIndex(model_name='OrgUnit', index=Index(fields=['parent_id'])),
        # competency scores of employees: rounds, tests and calibrations by employee
        ops.AddIndex(model_name='AssessmentRound', index=Index(fields=['employee_id'])),
        ops.AddIndex(model_name='RaterAssignment', index=Index(fields=['rater_id'])),
        ops.AddIndex(model_name='TestAttempt', index=Index(fields=['employee_id', 'submitted_at'])),
        ops.AddIndex(model_name='Calibration', index=Index(fields=['employee_id', 'competency_id'])),
        # waitlists and seats of a session; sessions and costs of a course
        ops.AddIndex(model_name='Enrollment', index=Index(fields=['session_id', 'status'])),
        ops.AddIndex(model_name='CourseSession', index=Index(fields=['course_id', 'starts_at'])),
        ops.AddIndex(model_name='CostItem', index=Index(fields=['course_id'])),
        # a trigger rule's existing requests
        ops.AddIndex(model_name='AssessmentRequest', index=Index(fields=['rule_id'])),
        # the report's and the roll-ups' grouped scans of a KPI over periods read the index
        # alone (employee and value included) instead of a table row per record
        ops.RemoveIndex(model_name='PerformanceRecord', fields=['kpi_id', 'period']),
        ops.AddIndex(
            model_name='PerformanceRecord',
            index=Index(fields=['kpi_id', 'period', 'employee_id', 'value']),
        ),
        # an employee's own targets and adjustments (the unique keys lead with the KPI)
        ops.AddIndex(model_name='KpiTarget', index=Index(fields=['employee_id', 'kpi_id'])),
        ops.AddIndex(model_name='TargetAdjustment', index=Index(fields=['employee_id', 'kpi_id'])),
    ]
