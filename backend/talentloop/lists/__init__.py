"""A list as the viewer sees it, written out as a spreadsheet (`routes.export_list`)."""
