"""The desk: the workstation staff's pages and the grid worker's phone. One module per topic:

- desk_dashboard: /staff/ queues, filters, search, sorting, bulk actions
- desk_issue: one issue, its clocks and timeline, and staff actions on it
- desk_worklog: 工作日志, the day and week log of every channel, quick entry, exports
- desk_themes: 一类事, recurring matters and FAQ entries from answered consults
- desk_stats: the three rates, medians, volumes, weekly trend, charts and CSV
- desk_tasks: /tasks/ for grid workers, and patrol reports

Views only read input, ask `workstations.scope` what the person may see, and call
`issues.services`; none of them sets `status`.
"""

from .desk_dashboard import staff_bulk, staff_dashboard
from .desk_issue import staff_issue, staff_issue_action
from .desk_stats import stats_csv, stats_page
from .desk_tasks import patrol, task_action, task_detail, tasks
from .desk_themes import themes_faq, themes_page
from .desk_worklog import worklog_csv, worklog_entry, worklog_page, worklog_xlsx

__all__ = [
    "patrol",
    "staff_bulk",
    "staff_dashboard",
    "staff_issue",
    "staff_issue_action",
    "stats_csv",
    "stats_page",
    "task_action",
    "task_detail",
    "tasks",
    "themes_faq",
    "themes_page",
    "worklog_csv",
    "worklog_entry",
    "worklog_page",
    "worklog_xlsx",
]
