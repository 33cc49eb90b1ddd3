"""The one Excel module: reading ledgers as users bring them (``read``) and writing workbooks
(``write``). Imports and exports of every domain use it."""
from app.excel.read import (
    MAX_ROWS,
    Column,
    ExcelError,
    FieldSpec,
    Matcher,
    SheetTable,
    Source,
    SourceRow,
    as_typed,
    column_letter,
    fold,
    header_key,
    parse_amount_wan,
    parse_date,
    parse_date_precision,
    parse_number,
    read_source,
    split_unit,
)
from app.excel.write import Percent, Sheet, write_workbook, xlsx_response

__all__ = ["MAX_ROWS", "Column", "ExcelError", "FieldSpec", "Matcher", "SheetTable", "Source", "SourceRow",
           "as_typed", "column_letter", "fold", "header_key", "parse_amount_wan", "parse_date", "parse_date_precision",
           "parse_number", "read_source", "split_unit", "Percent", "Sheet", "write_workbook", "xlsx_response"]
