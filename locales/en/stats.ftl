## Statistics and assessment: /stats, /rank, the chart, `gridwhistle report`.

menu-stats = Statistics: /stats [week | month | 2026-11]
stats-usage = Usage: /stats [period] — week, month (the default), last month (上月), 11月, 2026-11, or 2026-11-01..2026-11-15.
stats-refused = Only people on this chat's roster and admins can see its statistics.
stats-title = 📊 <b>{ $scope }</b> · { $period }
stats-counts = Whistles { $whistles } · resolved { $resolved } · closed { $closed } · reopened { $reopened }
stats-parties = Parties summoned { $parties } · reported { $reports }
stats-escalated = Escalated to community { $community } · sub-district { $subdistrict } · district { $district }
stats-response = Response rate: { $rate }
stats-on-time = On-time resolution: { $rate }
stats-report-time = Time to report: median { $median } · 90% { $p90 }
stats-resolve-time = Time to resolve: median { $median } · 90% { $p90 }
stats-escalation-rate = Escalation rate: { $rate }
stats-rework = Rework rate: { $rate }
stats-residents = Residents: solved { $solved } · satisfaction { $satisfaction } · not rated { $not_rated }
stats-rate = { $pct }% ({ $cases })
stats-too-few = too few cases ({ $cases })
stats-none = —
stats-duration = { $h ->
    [0] { $m } min
   *[other] { $h } h { $m } min
}
stats-by = By { $of }:
stats-row = { $name }: response { $response } · resolve median { $median }
stats-of-units = unit
stats-of-departments = department
stats-chart-caption = 📊 { $scope } · { $period }: response rate and median time to resolve, by { $of }
stats-chart-response = response rate %
stats-chart-median = median time to resolve, h
rank-title = 🏆 <b>{ $scope }</b> · { $period } (score: weighted response, on-time resolution and satisfaction rates)
rank-departments = Departments:
rank-units = Units:
rank-row = { $n }. { $name } — { $score }
rank-unranked = Unranked (too few cases): { $names }
rank-refused = /rank works in a sub-district or district chat, for its duty officers and admins.
report-columns = kind,id,name,whistles,parties summoned,reports,resolved,closed,escalated to community,escalated to sub-district,escalated to district,reopened,response rate %,time to report median (s),time to report p90 (s),time to resolve median (s),time to resolve p90 (s),on-time resolution %,escalation rate %,rework rate %,resident resolution rate %,satisfaction rate %,not rated,alliance units: orders reported on in the year
report-kind-unit = unit
report-kind-department = department
cli-report-bad-month = --month takes a month such as 2026-11, not “{ $got }”.
cli-report-unknown-unit = There is no unit “{ $id }” in the organisation.
org-assessment-value = { $key } = { $value } in [assessment] is not allowed: basic_weight is 0 to 1, min_cases 1 to 1000, rank_weights three whole numbers from 0 to 1000, not all 0
cli-export-bad-date = Dates are written like 2026-11-01, not “{ $got }”.
cli-export-bad-range = --from { $from } to --to { $to } is not a date range (the first day no later than the last, at most five years).
export-columns = number,unit,state,level,whistled at,event time,who,what
export-state-open = waiting for report
export-state-reported = being handled
export-state-resolved = resolved, to verify
export-state-closed = closed
export-state-cancelled = cancelled
stats-few-alliances = Alliance units that reported on fewer than two orders in { $year }: { $names }
rank-alliances = Alliance units:
report-kind-alliance = alliance
