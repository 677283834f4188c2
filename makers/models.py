# The catalog's models arrive with the catalog issue.
