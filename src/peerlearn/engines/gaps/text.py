"""Terms of a gap or an issue: casefolded, Unicode-aware, lightly stemmed.

The stemming is deliberately light (plural ``s``/``es``/``ies``, ``-ing``, ``-ed``,
``-ment`` and a final ``e``) so that "deploys", "deploying", "deployed" and
"deployment" all become ``deploy`` while words stay recognisable; a full Porter
stemmer would merge more but costs more and surprises people reading cluster labels.
Tokens holding a digit (``k8s``, ``oauth2``, ``500``) are kept as written.
"""

from __future__ import annotations

import re

# Markdown and web noise that carries no meaning: link targets, bare URLs, e-mail
# addresses, HTML tags and entities. A link's visible text is kept.
_NOISE = re.compile(
    r"\]\([^)\s]*\)"  # the (target) of [text](target)
    r"|<[a-zA-Z/][^>\n]{0,200}>"  # HTML tags and <autolinks>
    r"|\b(?:https?|ftp)://\S+"  # bare URLs
    r"|\bwww\.\S+"
    r"|\S+@\S+\.\w+"  # e-mail addresses
    r"|&[a-zA-Z]+;|&#\d+;"  # entities
)
# Runs of letters and digits in any script: underscores, hyphens, dots and slashes
# split words ("feature_flags", "ci/cd", "node.js" → two words each).
_WORD = re.compile(r"[^\W_]+")

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "like",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "per",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "via",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "yet",
        "you",
        "your",
        "yours",
    ]
)
_VOWEL = re.compile(r"[aeiouy]")


def stem(word: str) -> str:
    """The light stem of one casefolded word (letters only; others come back as given)."""
    if not word.isalpha() or len(word) <= 3:
        return word
    word = _strip_plural(word)
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and not word.endswith("eed"):
            root = word[: -len(suffix)]
            # "string", "red", "bed": a root without a vowel is no root at all.
            if len(root) >= 3 and _VOWEL.search(root):
                word = _undouble(root)
            break
    if word.endswith("ment") and len(word) - 4 >= 5:
        word = word[:-4]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _strip_plural(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _undouble(root: str) -> str:
    # "logging" → "logg" → "log", but "install", "press", "buzz" keep theirs.
    if len(root) >= 4 and root[-1] == root[-2] and root[-1] not in "lsz" and root[-1].isalpha():
        return root[:-1]
    return root


def _clean(text: str) -> str:
    # The noise pattern is costly; most gaps have none of what it looks for.
    if "://" in text or "](" in text or "<" in text or "@" in text or "&" in text or "www." in text:
        return _NOISE.sub(" ", text)
    return text


def words(text: str) -> list[str]:
    """The casefolded words of ``text`` as written (no stop words, none of one letter)."""
    return [w for w in _WORD.findall(_clean(text).casefold()) if len(w) > 1 and w not in STOPWORDS]


class _StemCache(dict[str, str]):
    """Word → stem, or "" for a word to drop. Vocabularies repeat, so remembering stems
    makes tokenising a large tracker export several times faster; bounded so a hostile
    upload cannot grow it without end."""

    limit = 200_000

    def __missing__(self, word: str) -> str:
        value = "" if len(word) < 2 or word in STOPWORDS else stem(word)
        if len(self) < self.limit:
            self[word] = value
        return value


_STEMS = _StemCache()


def tokens(text: str) -> list[str]:
    """The terms of ``text``: casefolded words, stop words dropped, lightly stemmed."""
    return [s for s in map(_STEMS.__getitem__, _WORD.findall(_clean(text).casefold())) if s]
