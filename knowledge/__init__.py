"""Sourced facts about the e-inclusion for Belgium subsidies, FR and NL."""

from knowledge.loader import KnowledgeBase, load_knowledge

__all__ = ["KnowledgeBase", "load_knowledge"]
