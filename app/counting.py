"""How many rows a statement selects, counted without reading their columns: exactly, or up to a
bound where the exact number of a common search term is not worth reading every match (科技 or
kj match a quarter of 100,000 names; the page says "1000+" and the export still has them all)."""
import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from app.extensions import db

SEARCH_BOUND = 1000  # a free-text search is counted this far (the search box, the enterprise list)
# A list no figure drills down to is counted this far: the enterprise library (400,000 at a big
# province: its count(*) read them all, 74 ms) says "10000+"; its export has every row.
LIST_BOUND = 10_000


def count_rows(stmt: sa.Select, bound: int | None = None) -> int:
    """The rows ``stmt`` selects; with a ``bound``, at most ``bound + 1`` (more than the bound)."""
    rows = stmt.options(lazyload("*")).with_only_columns(sa.literal(1), maintain_column_froms=True).order_by(None)
    if bound is not None:
        rows = rows.limit(bound + 1)
    return db.session.scalar(sa.select(sa.func.count()).select_from(rows.subquery()))


def count_text(total: int, bound: int | None = None) -> str:
    return f"{bound}+" if bound is not None and total > bound else str(total)
