"""Identification: import village ledgers, school rosters and service lists, link them to the
registry with Splink, and list the children who are out of school or receive no service."""
