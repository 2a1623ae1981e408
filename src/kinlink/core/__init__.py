"""Small shared helpers with no models: environment, names, identity numbers, dates, phones."""
