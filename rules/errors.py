"""Typed errors of the rules, each with a stable code and the offending values.

    RuleError(ValueError)
     ├── InvalidAmount        an amount that is not a number, negative, zero or absurd
     ├── InvalidPopulation    a population that is not a whole number, negative or absurd
     └── ReceivedExceedsGrant more received or claimed than the grant itself

`code` keys a message of `knowledge/messages.yml` (FR and NL); `params` fill it.
"""

from __future__ import annotations


class RuleError(ValueError):
    code = "rule_error"

    def __init__(self, code: str, **params: object):
        self.code = code
        self.params: dict[str, object] = params
        super().__init__(f"{code}: {params}")


class InvalidAmount(RuleError):
    pass


class InvalidPopulation(RuleError):
    pass


class ReceivedExceedsGrant(RuleError):
    pass
