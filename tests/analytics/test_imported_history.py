"""Training history brought in by the import counts in the training-effect report exactly as
enrolments completed in the app: the study's 12 Shanghai reps, their March completions
imported from a file, split the report into trained before and after."""

from __future__ import annotations

import base64

from talentloop.people.models import Employee
from talentloop.training.models import Enrollment, EnrollmentStatus
from tests.analytics.conftest import Study
from tests.analytics.test_report import REPORT, report_input
from tests.support import Api

IMPORT = """mutation($input: ImportDataInput!) {
  importData(input: $input) { job { status createdRows errors { row code } } errors { code } }
}"""


async def test_imported_history_of_a_trained_group_shows_the_before_after_split(
    api: Api, study: Study
) -> None:
    w = study.world
    hq_hr = w.users["hq_hr"]
    expected = (await api.data(REPORT, {"input": report_input(study)}, as_=hq_hr))[
        "trainingEffectReport"
    ]
    numbers = dict(await Employee.filter(id__in=study.trained).values_list("id", "employee_number"))
    await Enrollment.filter(course_id=study.course.id).delete()
    empty = (await api.data(REPORT, {"input": report_input(study)}, as_=hq_hr))[
        "trainingEffectReport"
    ]
    assert empty["participationAfter"] == "0.0"

    lines = ["employee_number,course_code,enrolled_on,completed_on,score,cost"]
    lines += [f"{numbers[i]},PK,2026-03-02,2026-03-20,88,1000" for i in study.trained]
    content = base64.b64encode(("\n".join(lines) + "\n").encode()).decode()
    data = await api.data(
        IMPORT,
        {
            "input": {
                "kind": "TRAINING_HISTORY",
                "fileName": "h.csv",
                "contentBase64": content,
                "dryRun": False,
            }
        },
        as_=hq_hr,
    )
    assert data["importData"]["job"]["status"] == "DONE", data
    assert data["importData"]["job"]["createdRows"] == len(study.trained)
    assert await Enrollment.filter(status=EnrollmentStatus.COMPLETED).count() == 12

    report = (await api.data(REPORT, {"input": report_input(study)}, as_=hq_hr))[
        "trainingEffectReport"
    ]
    assert (report["participationBefore"], report["participationAfter"]) == ("0.0", "50.0")
    assert report["effect"]["trained"] == 12 and report["effect"]["comparison"] == 12
    for figure in (
        "trainedBefore",
        "trainedAfter",
        "comparisonBefore",
        "comparisonAfter",
        "effect",
    ):
        assert report["effect"][figure] == expected["effect"][figure]
    assert report["trend"] == expected["trend"]
