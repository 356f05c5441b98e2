"""Public transparency pages (as 12345 publishes its rates): per workstation and neighbourhood,
last month's and this year's 响应率 / 解决率 / 满意率 by the desk's own functions (issues.stats),
volumes by kind, median times, and the recurring questions answered in public (published FAQ
entries). No personal data and no free text staff have not published."""
