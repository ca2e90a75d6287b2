"""The benchmark's synthetic company (bench/company.py) is written straight into the tables, so
it drifts when the schema does: this builds the smallest company in a file of its own (in a
process of its own: the generator owns Tortoise while it runs) and checks that the API reads
its people back as the generator meant them, and that the raw yardstick of the employee detail
(bench/raw.py) shows the same masked ID and bank numbers as the API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, json, sys
from tortoise import Tortoise
from bench import company, queries, raw
from talentloop.access.policy import mask
from talentloop.db import tortoise_config
from talentloop.graphql.ids import to_global_id
from talentloop.people import sensitive
from talentloop.people.models import Employee
from talentloop.people.sensitive import SensitiveField

URL = sys.argv[1]


async def main():
    made = await company.generate(URL, 300, progress=lambda line: None)
    await Tortoise.init(config=tortoise_config(URL))
    try:
        employee = await Employee.get(id=made.sample_employee_ids[0])
        detail = await raw.employee_detail(
            queries.detail_variables(to_global_id("Employee", employee.id), 10)
        )
        print(json.dumps({
            "employees": await Employee.all().count(),
            "generated": made.employees,
            "id_number": sensitive.read(employee, SensitiveField.ID_NUMBER),
            "bank_account": sensitive.read(employee, SensitiveField.BANK_ACCOUNT),
            "api_masked": [
                mask(sensitive.read(employee, SensitiveField.ID_NUMBER)),
                mask(sensitive.read(employee, SensitiveField.BANK_ACCOUNT)),
            ],
            "raw": detail["data"]["employee"],
            "number": employee.employee_number,
        }))
    finally:
        await Tortoise.close_connections()


asyncio.run(main())
"""


def test_the_benchmark_company_is_read_back_by_the_api_and_its_raw_yardstick(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO / "backend"), str(REPO)]),
        # the checkout's development keys, in a folder of this test's own
        "TALENTLOOP_DEV_KEY_FILE": str(tmp_path / "keys.json"),
    }
    env.pop("TALENTLOOP_SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, f"sqlite://{tmp_path / 'bench.sqlite3'}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # a bound, not a target: minutes on a loaded machine
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])

    assert found["employees"] == found["generated"] > 0
    # as generated: 330106 + birth date + 3 digits + X, and 6222 + 15 digits
    assert found["id_number"].startswith("330106") and found["id_number"].endswith("X")
    assert len(found["id_number"]) == 18
    assert found["bank_account"].startswith("6222") and len(found["bank_account"]) == 19
    raw = found["raw"]
    assert raw["employeeNumber"] == found["number"]
    assert [raw["idNumber"], raw["bankAccount"]] == found["api_masked"]
    assert raw["idNumber"].endswith(found["id_number"][-4:])
