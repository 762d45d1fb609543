"""Which columns of a retrospective export hold what, guessed from the header (the import
page preselects the guess; the API uses it when no column is named)."""

from peerlearn.engines.gaps.imports.retro_csv import guess_mapping


def test_common_exports_headers_are_recognised() -> None:
    parabol = ["Reflection", "Prompt", "Group", "Votes", "Author"]
    easyretro = ["Column", "Card", "Comments", "Likes"]

    assert guess_mapping(parabol) == {
        "title": "Reflection",
        "votes": "Votes",
        "category": "Group",
        "author": "Author",
    }
    assert guess_mapping(easyretro) == {
        "title": "Card",
        "description": "Comments",
        "votes": "Likes",
        "category": "Column",
    }


def test_case_and_spaces_do_not_matter_and_the_header_is_kept_as_written() -> None:
    assert guess_mapping(["  TITLE ", "Vote Count"]) == {"title": "  TITLE ", "votes": "Vote Count"}


def test_one_column_serves_one_field_and_unknown_names_none() -> None:
    # "Note" could be a title; "Text" comes first among the title names, so Note stays free.
    assert guess_mapping(["Text", "Note", "Body"]) == {"title": "Text", "description": "Body"}
    assert guess_mapping(["Headline", "Points"]) == {}
    assert guess_mapping([]) == {}
