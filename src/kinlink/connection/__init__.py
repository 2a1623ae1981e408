"""Family connection and income: contact with parents, visits, remittances, fair assistance."""
