"""Intake: the front door of every programme — tenants, programmes, cohorts and applications."""
