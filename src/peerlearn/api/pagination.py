"""Page-number pagination for every list: `?page=2&page_size=20`.

The response says where the reader is (`page`, `page_size`) next to ninja's `items` and
`count`, so a client can compute the number of pages without guessing the default size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, overload

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# Beyond any list peerlearn holds, and small enough that page x size fits every database.
MAX_PAGE = 1_000_000


class Page(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
        page_size: int | None = Field(
            None,
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Items per page (default {DEFAULT_PAGE_SIZE}).",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="Items in all pages together.", examples=[3])
        page: int = Field(..., examples=[1])
        page_size: int = Field(..., examples=[DEFAULT_PAGE_SIZE])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Any,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        page_size = self._get_page_size(pagination.page_size)
        result: dict[str, Any] = super().paginate_queryset(queryset, pagination, request, **params)
        result["page"] = pagination.page
        result["page_size"] = page_size
        return result


class Mapped[M, Out](Sequence[Out]):
    """Rows of a queryset, each turned into its answer by `out`, only for the page asked
    for: for answers that depend on who asks (ninja would otherwise read each row with
    the schema alone). `Page` counts it with one COUNT query."""

    def __init__(self, rows: QuerySet[Any], out: Callable[[M], Out]) -> None:
        self.rows = rows
        self.out = out

    def __len__(self) -> int:
        return self.rows.count()

    @overload
    def __getitem__(self, index: int) -> Out: ...
    @overload
    def __getitem__(self, index: slice) -> list[Out]: ...
    def __getitem__(self, index: int | slice) -> Out | list[Out]:
        if isinstance(index, slice):
            return [self.out(row) for row in self.rows[index]]
        return self.out(self.rows[index])
