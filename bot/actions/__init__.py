"""Custom actions: thin adapters from the conversation to knowledge/ and rules/."""
