"""Full-text search without a database: turning what a person typed into a safe query,
and cutting a highlighted snippet out of a matched text."""
