"""Residents who make requests; their personal data is stored and masked only here."""
