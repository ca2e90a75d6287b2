"""Employees and positions."""
