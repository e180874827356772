"""The bank: where exercises come from, their versions in the database, how they are presented."""
