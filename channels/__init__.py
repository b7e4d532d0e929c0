"""Channels carry messages between chat platforms and the assistant; they decide nothing."""
