from peerlearn.engines.gaps.text import stem, tokens


def test_inflections_of_one_word_share_a_stem() -> None:
    assert set(tokens("deploys deploying deployed deployment deploy")) == {"deploy"}


def test_words_with_digits_are_kept_as_written() -> None:
    assert tokens("Upgrade k8s and OAuth2 for HTTP 500s") == [
        "upgrad",
        "k8s",
        "oauth2",
        "http",
        "500s",
    ]


def test_separators_split_words_and_stopwords_and_letters_go() -> None:
    assert tokens("feature_flags in ci/cd, node.js a b") == [
        "featur",
        "flag",
        "ci",
        "cd",
        "node",
        "js",
    ]


def test_markdown_links_keep_their_text_and_urls_go() -> None:
    text = "See [the runbook](https://wiki.example.com/runbook) or https://x.example/y <b>today</b>"
    assert tokens(text) == ["see", "runbook", "today"]


def test_unicode_letters_are_words() -> None:
    assert tokens("Über Straße naïve") == ["über", "strass", "naïv"]  # casefold: ß is ss


def test_rootless_endings_are_not_cut() -> None:
    assert stem("string") == "string"
    assert stem("speed") == "speed"
    assert stem("logging") == "log"
    assert stem("installing") == "install"
