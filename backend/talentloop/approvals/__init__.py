"""Approval flows: who approves which request, in which order (Issue 11)."""
