"""Approval titles as a message and its parameters, shown in each viewer's language.

A request's title is stored as a msgid (`ApprovalRequest.title_key`) and its parameters
(`title_params`), besides its English text (`title`, for logs and old rows); parameters named
`*_label` are msgids themselves (a leave type). A title without a key (a payroll run's
"<unit> <month>", a course enrolment's "<name> · <course>") holds no words to translate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from talentloop.i18n import N_, translate

if TYPE_CHECKING:
    from talentloop.approvals.models import ApprovalRequest

LEAVE = N_("{type_label} {start}–{end}")
OVERTIME = N_("{date} {hours} h")
PUNCH_CORRECTION = N_("Punch correction {date} {times}")
PAY_RESTORE = N_("{unit} pay restore {month}")
SENSITIVE_EXPORT = N_("{unit} ({count} people)")
PROBATION_CONFIRMATION = N_("{name} probation confirmation {date}")
TRANSFER = N_("{name} transfer {from_unit} → {to_unit} {date}")
TERMINATION = N_("{name} {kind_label}, last day {date}")
# The kinds of leaving in a termination's title (people.models.TerminationKind values).
TERMINATION_KINDS = {
    "resignation": N_("resigns"),
    "dismissal": N_("dismissed by the employer"),
    "mutual_agreement": N_("leaves by mutual agreement"),
    "contract_expiry": N_("fixed term ends, not renewed"),
}
OFFER = N_("{posting}: {candidate}, {salary}/month")
LEAVE_TYPES = {
    "annual": N_("annual"),
    "sick": N_("sick"),
    "personal": N_("personal"),
    "marriage": N_("marriage"),
    "maternity": N_("maternity"),
    "paternity": N_("paternity"),
    "bereavement": N_("bereavement"),
}


@dataclass(frozen=True)
class Title:
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: str | None = None) -> str:
        params = {
            name: translate(str(value), language=language) if name.endswith("_label") else value
            for name, value in self.params.items()
        }
        return translate(self.key, params, language=language)


def shown(request: ApprovalRequest) -> str:
    """The request's title in the viewer's language."""
    if not request.title_key:
        return request.title
    return Title(request.title_key, dict(request.title_params or {})).render()
