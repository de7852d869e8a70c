"""Follow-up after the grant: the actuals of each year, read and checked against a note."""
