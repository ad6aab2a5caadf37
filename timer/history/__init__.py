"""The training history, from the rep log: the `history` command (`command`), its text report (`report`),
the CSV export (`csv_export`) and the per-circuit trends the history screen and the summary show
(`trends`). Plain text, no Textual.
"""

from timer.history.command import command, filter_sessions
from timer.history.csv_export import CSV_COLUMNS, csv_rows, csv_safe, export_csv, write_csv
from timer.history.report import previous_session, sessions_table, sparkline, trends

__all__ = [
    "CSV_COLUMNS",
    "command",
    "csv_rows",
    "csv_safe",
    "export_csv",
    "filter_sessions",
    "previous_session",
    "sessions_table",
    "sparkline",
    "trends",
    "write_csv",
]
