"""/api/teams/{id}/gap-imports and /tracker-imports: files into the backlog, as the import
pages take them (gaps.import_views) — a retrospective export (CSV, or a Markdown bullet
list) becomes gaps, a tracker export (GitHub, GitLab, Jira) feeds the recurring-bugs signal.

Same rule (facilitators, leads, organisation admins: `TeamAction.FACILITATE`), same
readers (`engines/gaps/imports`) and services (`source_services.gaps_import`,
`import_services.tracker_issues_import`): all of a file or none of it. A refused file is
a 400 listing every problem with its line; nothing is stored, not even the upload (the
API takes the column mapping with the file, so it keeps no `PendingImport`).
"""

# No `from __future__ import annotations`: ninja must see `Form[...]`/`File[...]` as types.
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from peerlearn.api.auth import api_user
from peerlearn.api.fields import SingleLine, id_in_path
from peerlearn.engines.gaps.bugs import is_bug_report
from peerlearn.engines.gaps.imports.markdown_list import parse_markdown_bullets
from peerlearn.engines.gaps.imports.problems import ImportProblems, Problem, decode_upload
from peerlearn.engines.gaps.imports.retro_csv import (
    ColumnMapping,
    ImportedGap,
    csv_columns,
    guess_mapping,
    parse_retro_csv,
)
from peerlearn.engines.gaps.imports.trackers import PARSERS
from peerlearn.gaps import import_services, source_services
from peerlearn.gaps.forms import HAND_SOURCES, MAX_UPLOAD_BYTES, TRACKER_MAX_BYTES
from peerlearn.gaps.models import GapSource
from peerlearn.people.access import get_team_for_user
from peerlearn.people.roles import TeamAction

router = Router(tags=["gaps"])


class ProblemOut(Schema):
    line: int | None = Field(..., description="1-based line of the file; null: the whole file.")
    column: str | None = Field(..., description="The column's name, for tables.")
    message: str = Field(..., examples=["the title is empty"])


class RefusedOut(Schema):
    detail: str = Field(..., examples=["Nothing was imported: line 3: the title is empty."])
    problems: list[ProblemOut] = Field(..., description="Every problem found (the first 50).")
    truncated: bool = Field(..., description="Whether there were more than those listed.")


class TooLargeOut(Schema):
    detail: str = Field(..., examples=["The file is 3,145,728 bytes; at most 2 MB."])


def _problem(line: int | None, column: str | None, message: str) -> ProblemOut:
    return ProblemOut(line=line, column=column, message=message)


def _refused(problems: list[ProblemOut], *, truncated: bool = False) -> Status[RefusedOut]:
    listed = "; ".join(str(Problem(p.line, p.column, p.message)) for p in problems[:3])
    more = " …" if len(problems) > 3 or truncated else ""
    detail = f"Nothing was imported: {listed}{more}"
    return Status(400, RefusedOut(detail=detail, problems=problems, truncated=truncated))


def _refusal(error: ImportProblems | ValidationError) -> Status[RefusedOut]:
    if isinstance(error, ImportProblems):
        found = [_problem(p.line, p.column, p.message) for p in error.problems]
        return _refused(found, truncated=error.truncated)
    if isinstance(error, source_services.ImportLineRefused):
        return _refused([_problem(error.line, None, "; ".join(error.reasons))])
    return _refused([_problem(None, None, message) for message in error.messages])


def _read(upload: UploadedFile, limit: int, said: str) -> bytes | Status[TooLargeOut]:
    # `size` is what the client declared; the read is bounded as well, whatever it said.
    data: bytes = upload.read(limit + 1)
    if (upload.size or 0) > limit or len(data) > limit:
        size = max(upload.size or 0, len(data))
        return Status(413, TooLargeOut(detail=f"The file is {size:,} bytes; at most {said}."))
    return data


# --- Retrospective exports --------------------------------------------------------------


class RetroFormat(StrEnum):
    CSV = "csv"
    MARKDOWN = "markdown"


IMPORT_SOURCES = tuple(value for value, _ in HAND_SOURCES)
_COLUMN = "A column's name as the CSV's header writes it (CSV only)."


class GapsImportIn(Schema):
    format: RetroFormat = Field(..., description="csv or markdown.", examples=["csv"])
    source: GapSource = Field(
        GapSource.RETROSPECTIVE,
        description="Where the gaps came from; not anonymous or one_on_one.",
        examples=["retrospective"],
    )
    title_column: SingleLine | None = Field(
        None,
        max_length=200,
        description=_COLUMN + " Leave all four columns out to have them guessed.",
        examples=["Reflection"],
    )
    description_column: SingleLine | None = Field(None, max_length=200, description=_COLUMN)
    votes_column: SingleLine | None = Field(
        None, max_length=200, description=_COLUMN, examples=["Votes"]
    )
    category_column: SingleLine | None = Field(
        None,
        max_length=200,
        description=_COLUMN + " Checked like the others, not stored.",
        examples=["Group"],
    )
    dry_run: bool = Field(
        False, description="Check the file and answer what would be imported; store nothing."
    )


class ColumnsOut(Schema):
    title: str = Field(..., examples=["Reflection"])
    description: str | None = Field(..., examples=[None])
    votes: str | None = Field(..., examples=["Votes"])
    category: str | None = Field(..., examples=["Group"])
    guessed: bool = Field(..., description="Whether peerlearn chose them from the header.")


class ImportedGapOut(Schema):
    line: int = Field(..., description="Where the item starts in the file.", examples=[2])
    id: int | None = Field(..., description="null in a dry run.", examples=[31])
    title: str = Field(..., examples=["Nobody knows how the Terraform state locking works"])
    description: str = Field(..., examples=[""])
    imported_votes: int = Field(..., examples=[5])
    url: str | None = Field(..., description="The gap's page; null in a dry run.")


class GapsImportedOut(Schema):
    team_id: int = Field(..., examples=[1])
    format: RetroFormat
    source: GapSource
    dry_run: bool
    count: int = Field(..., description="Gaps created (or that would be).", examples=[12])
    gap_ids: list[int] = Field(..., description="Empty in a dry run.", examples=[[31, 32]])
    columns: ColumnsOut | None = Field(..., description="The mapping used; null for Markdown.")
    gaps: list[ImportedGapOut]


def _mapping(payload: GapsImportIn, data: bytes) -> tuple[ColumnMapping, bool]:
    others = (payload.description_column, payload.votes_column, payload.category_column)
    if payload.title_column:
        mapping = ColumnMapping(payload.title_column, *(name or None for name in others))
        return mapping, False
    if any(others):
        raise ValidationError({"title_column": ["Name the title column too."]})
    header = csv_columns(data)
    guessed = guess_mapping(header)
    if "title" not in guessed:
        listed = ", ".join(repr(column) for column in header[:30])
        message = f"no column looks like a title ({listed}): send title_column"
        raise ImportProblems([Problem(1, None, message)])
    fields = ("title", "description", "votes", "category")  # the page maps no author
    return ColumnMapping(**{f: guessed[f] for f in fields if f in guessed}), True


@router.post(
    "/teams/{team_id}/gap-imports",
    response={200: GapsImportedOut, 201: GapsImportedOut, 400: RefusedOut, 413: TooLargeOut},
    summary="Import gaps from a retrospective export, CSV or Markdown (triagers); all or none",
)
def import_gaps(
    request: HttpRequest,
    payload: Form[GapsImportIn],
    file: File[UploadedFile],
    team_id: int = id_in_path(),
) -> Status[GapsImportedOut] | Status[RefusedOut] | Status[TooLargeOut]:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.FACILITATE)
    if payload.source.value not in IMPORT_SOURCES:
        raise ValidationError({"source": [f"Gaps are not imported as {payload.source.value}."]})
    data = _read(file, MAX_UPLOAD_BYTES, "2 MB")
    if isinstance(data, Status):
        return data
    columns: ColumnsOut | None = None
    try:
        items: list[ImportedGap]
        if payload.format == RetroFormat.MARKDOWN:
            items = parse_markdown_bullets(decode_upload(data))
        else:
            mapping, guessed = _mapping(payload, data)
            items = parse_retro_csv(data, mapping)
            columns = ColumnsOut(
                title=mapping.title,
                description=mapping.description,
                votes=mapping.votes,
                category=mapping.category,
                guessed=guessed,
            )
        # A dry run goes through the same service (so the same rules judge it) inside a
        # savepoint that is rolled back: nothing of it stays, on-commit work included.
        with transaction.atomic():
            created = source_services.gaps_import(
                team=team,
                actor=actor,
                items=items,
                source=payload.source.value,
                origin=file.name or "upload",
            )
            if payload.dry_run:
                transaction.set_rollback(True)
    except (ImportProblems, source_services.ImportLineRefused) as error:
        return _refusal(error)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise  # a field of the request: the usual 422
        return _refusal(error)
    stored = not payload.dry_run
    out = GapsImportedOut(
        team_id=team.pk,
        format=payload.format,
        source=payload.source,
        dry_run=payload.dry_run,
        count=len(created),
        gap_ids=[gap.pk for gap in created] if stored else [],
        columns=columns,
        gaps=[
            ImportedGapOut(
                line=item.line,
                id=gap.pk if stored else None,
                title=gap.title,
                description=gap.description,
                imported_votes=gap.evidence.get("imported_votes", 0),
                url=gap.get_absolute_url() if stored else None,
            )
            for item, gap in zip(items, created, strict=True)
        ],
    )
    return Status(201 if stored else 200, out)


# --- Tracker exports ----------------------------------------------------------------------


class TrackerKind(StrEnum):
    GITHUB = "github"
    GITLAB = "gitlab"
    JIRA = "jira"


class TrackerImportIn(Schema):
    kind: TrackerKind = Field(
        ...,
        description=(
            "github (JSON of the REST API, `gh api … --paginate` or `gh issue list --json`), "
            "gitlab (Export as CSV, or a project export's issues.ndjson) or jira "
            "(Export CSV, all fields)."
        ),
        examples=["github"],
    )


class TrackerImportedOut(Schema):
    team_id: int = Field(..., examples=[1])
    kind: TrackerKind
    issues: int = Field(..., description="Issues read from the file.", examples=[240])
    created: int = Field(..., description="Issues new to peerlearn.", examples=[200])
    updated: int = Field(..., description="Issues brought up to date (by key).", examples=[40])
    bugs: int = Field(..., description="Bug reports among the issues read.", examples=[61])
    detail: str = Field(
        ...,
        examples=[
            "Recurring bugs are looked for within six hours, or at once with "
            "POST /api/teams/1/gap-suggestions/refresh."
        ],
    )


@router.post(
    "/teams/{team_id}/tracker-imports",
    response={200: TrackerImportedOut, 400: RefusedOut, 413: TooLargeOut},
    summary="Import a tracker's issues for the recurring-bugs signal (triagers); all or none",
)
def import_tracker_issues(
    request: HttpRequest,
    payload: Form[TrackerImportIn],
    file: File[UploadedFile],
    team_id: int = id_in_path(),
) -> Status[TrackerImportedOut] | Status[RefusedOut] | Status[TooLargeOut]:
    actor = api_user(request)
    team = get_team_for_user(actor, team_id, TeamAction.FACILITATE)
    data = _read(file, TRACKER_MAX_BYTES, "20 MB")
    if isinstance(data, Status):
        return data
    try:
        issues = PARSERS[payload.kind.value](data)
        created, updated = import_services.tracker_issues_import(
            team=team, actor=actor, issues=issues, origin=file.name or ""
        )
    except (ImportProblems, ValidationError) as error:
        return _refusal(error)
    detail = (
        "Recurring bugs are looked for within six hours, or at once with "
        f"POST /api/teams/{team.pk}/gap-suggestions/refresh."
    )
    return Status(
        200,
        TrackerImportedOut(
            team_id=team.pk,
            kind=payload.kind,
            issues=len(issues),
            created=created,
            updated=updated,
            bugs=sum(1 for issue in issues if is_bug_report(issue)),
            detail=detail,
        ),
    )
