"""The workbench: what needs the viewer now, and key figures for those who lead (issue 20)."""
