"""WIEGO's partnering policy as data: rules, matching, cues, answers and feedback."""

from directory.policy.answer import Answer, Cues, PolicyEngine, RuleMatch
from directory.policy.feedback import FeedbackEntry, PolicyFeedback
from directory.policy.rules import PolicyRules, Rule, RuleText, RuleVersion

__all__ = [
    "Answer",
    "Cues",
    "FeedbackEntry",
    "PolicyEngine",
    "PolicyFeedback",
    "PolicyRules",
    "Rule",
    "RuleMatch",
    "RuleText",
    "RuleVersion",
]
