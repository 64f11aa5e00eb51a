"""Maillage: collective social work and social development."""
