"""Attendance and leave: rules, calendars, punches, daily results, monthly sheets, leave."""
