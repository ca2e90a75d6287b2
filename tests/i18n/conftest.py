from tests.attendance.conftest import branches

__all__ = ["branches"]  # the attendance world (rule sets), for an overtime request's title
