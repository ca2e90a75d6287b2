"""The standard HR reports (人事报表)."""
