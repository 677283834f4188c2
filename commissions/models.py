# The commission's models arrive with the commissions issue.
