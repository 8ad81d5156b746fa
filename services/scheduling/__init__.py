"""Scheduling: agreements, meeting plans, cohort events, reminders and calendars."""
