"""Helpdesk data: handoff tickets, answer feedback and staff accounts (SQLAlchemy 1.4)."""
