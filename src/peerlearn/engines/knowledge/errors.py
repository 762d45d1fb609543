"""Errors the knowledge engine raises; each message is one line a person can act on."""

from __future__ import annotations


class KnowledgeError(Exception):
    """Base class: anything that stops an analysis, with a one-line reason."""


class NotAGitRepository(KnowledgeError):
    pass


class ShallowRepository(KnowledgeError):
    pass


class EmptyHistory(KnowledgeError):
    pass


class GitFailed(KnowledgeError):
    pass
