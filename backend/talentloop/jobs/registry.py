"""Every kind of background job and its handler, in one place (a worker runs these kinds)."""

from __future__ import annotations

from talentloop.jobs.queue import Handler


def handlers() -> dict[str, Handler]:
    # Imported here: the domains import the queue, not the other way round.
    from talentloop.analytics import jobs as reports
    from talentloop.imports import service as imports
    from talentloop.payroll import service as payroll
    from talentloop.privacy import exports as sensitive_exports

    return {
        imports.JOB_KIND: Handler(run=imports.run_queued, give_up=imports.give_up),
        reports.JOB_KIND: Handler(run=reports.execute, give_up=reports.give_up),
        payroll.JOB_KIND: Handler(run=payroll.execute, give_up=payroll.give_up),
        sensitive_exports.JOB_KIND: Handler(
            run=sensitive_exports.execute, give_up=sensitive_exports.give_up
        ),
    }
