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
