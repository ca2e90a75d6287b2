"""Clocking in from the web and from a phone, whose position must be at an allowed location."""

from __future__ import annotations

import math

from talentloop.attendance.models import Punch
from talentloop.attendance.service import haversine_meters
from tests.attendance.conftest import SHANGHAI_OFFICE, Branches
from tests.support import Api

CLOCK_IN = """
mutation ($input: ClockInInput!) {
  clockIn(input: $input) { punch { id source distanceMeters } duplicate errors { field code message } }
}
"""


def north_of(point: tuple[float, float], meters: float) -> tuple[float, float]:
    """A point `meters` due north (one degree of latitude is R·π/180 metres)."""
    return point[0] + math.degrees(meters / 6_371_008.8), point[1]


def test_haversine_gives_known_distances() -> None:
    # One degree of latitude on the mean sphere: 111.195 km.
    assert abs(haversine_meters(0, 0, 1, 0) - 111_195) < 1
    # Shanghai People's Square to Beijing Tiananmen: about 1,067 km great-circle.
    assert 1_060_000 < haversine_meters(31.2304, 121.4737, 39.9087, 116.3975) < 1_075_000


async def test_a_phone_inside_the_radius_clocks_in_and_outside_is_refused(
    api: Api, branches: Branches
) -> None:
    w = branches.world
    employee = w.users["employee"]  # sh_rep, in SH-SALES-1, under the SH branch's 300 m
    lat, lon = north_of(SHANGHAI_OFFICE, 250)
    inside = await api.data(
        CLOCK_IN, {"input": {"source": "MOBILE", "latitude": lat, "longitude": lon}}, as_=employee
    )
    assert inside["clockIn"]["errors"] == []
    assert inside["clockIn"]["punch"]["source"] == "MOBILE"
    assert inside["clockIn"]["punch"]["distanceMeters"] == 250

    lat, lon = north_of(SHANGHAI_OFFICE, 350)
    await Punch.all().delete()
    outside = await api.data(
        CLOCK_IN, {"input": {"source": "MOBILE", "latitude": lat, "longitude": lon}}, as_=employee
    )
    assert outside["clockIn"]["punch"] is None
    error = outside["clockIn"]["errors"][0]
    assert (error["code"], error["field"]) == ("INVALID", "latitude")
    assert "350 m" in error["message"] and "300 m" in error["message"]
    assert await Punch.all().count() == 0

    # The Shenzhen office is no place for a Shanghai employee.
    far = await api.data(
        CLOCK_IN,
        {"input": {"source": "MOBILE", "latitude": 22.5405, "longitude": 113.9345}},
        as_=employee,
    )
    assert far["clockIn"]["errors"][0]["code"] == "INVALID"

    no_position = await api.data(CLOCK_IN, {"input": {"source": "MOBILE"}}, as_=employee)
    assert no_position["clockIn"]["errors"][0]["code"] == "REQUIRED"
    assert await Punch.all().count() == 0


async def test_a_unit_without_locations_cannot_clock_in_by_phone_but_can_on_the_web(
    api: Api, branches: Branches
) -> None:
    bj = branches.world.users["bj_hr"]  # Beijing has no allowed location
    lat, lon = SHANGHAI_OFFICE
    refused = await api.data(
        CLOCK_IN, {"input": {"source": "MOBILE", "latitude": lat, "longitude": lon}}, as_=bj
    )
    assert refused["clockIn"]["errors"][0]["code"] == "FORBIDDEN"
    web = await api.data(CLOCK_IN, {"input": {"source": "WEB"}}, as_=bj)
    assert web["clockIn"]["errors"] == []
    assert web["clockIn"]["punch"]["distanceMeters"] is None


async def test_a_second_tap_within_a_minute_is_the_same_punch(api: Api, branches: Branches) -> None:
    employee = branches.world.users["employee"]
    first = await api.data(CLOCK_IN, {"input": {"source": "WEB"}}, as_=employee)
    again = await api.data(CLOCK_IN, {"input": {"source": "WEB"}}, as_=employee)
    assert again["clockIn"]["duplicate"] is True
    assert again["clockIn"]["punch"]["id"] == first["clockIn"]["punch"]["id"]
    assert await Punch.filter(employee_id=branches.world.people["sh_rep"].id).count() == 1


async def test_an_account_without_an_employee_record_cannot_clock_in(
    api: Api, branches: Branches
) -> None:
    result = await api.data(
        CLOCK_IN, {"input": {"source": "WEB"}}, as_=branches.world.users["admin"]
    )
    assert result["clockIn"]["errors"][0]["code"] == "FORBIDDEN"
    anonymous = await api.data(CLOCK_IN, {"input": {"source": "WEB"}})
    assert anonymous["clockIn"]["errors"][0]["code"] == "FORBIDDEN"
