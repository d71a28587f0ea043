## 统计与考核：/stats、/rank、统计图、`gridwhistle report`。

menu-stats = 统计：/stats [week | month | 2026-11]
stats-usage = 用法：/stats [时段] —— 本周、本月（默认）、上月、11月、2026-11，或 2026-11-01..2026-11-15。
stats-refused = 只有本群名册上的人员和管理员可以查看统计。
stats-title = 📊 <b>{ $scope }</b> · { $period }
stats-counts = 吹哨 { $whistles } · 已办结 { $resolved } · 已销号 { $closed } · 退回重办 { $reopened }
stats-parties = 召集 { $parties } 方 · 已报到 { $reports }
stats-escalated = 升级到社区 { $community } · 街道 { $subdistrict } · 区 { $district }
stats-response = 报到率：{ $rate }
stats-on-time = 按时办结率：{ $rate }
stats-report-time = 报到用时：中位数 { $median } · 90% { $p90 }
stats-resolve-time = 办结用时：中位数 { $median } · 90% { $p90 }
stats-escalation-rate = 升级率：{ $rate }
stats-rework = 返工率：{ $rate }
stats-residents = 居民评价：解决率 { $solved } · 满意率 { $satisfaction } · 未评价 { $not_rated }
stats-rate = { $pct }%（{ $cases }）
stats-too-few = 样本太少（{ $cases }）
stats-none = —
stats-duration = { $h ->
    [0] { $m }分钟
   *[other] { $h }小时{ $m }分钟
}
stats-by = 按{ $of }：
stats-row = { $name }：报到率 { $response } · 办结用时中位数 { $median }
stats-of-units = 下级单位
stats-of-departments = 部门
stats-chart-caption = 📊 { $scope } · { $period }：按{ $of }的报到率与办结用时中位数
stats-chart-response = 报到率 %
stats-chart-median = 办结用时中位数（小时）
rank-title = 🏆 <b>{ $scope }</b> · { $period }（得分：报到率、按时办结率、满意率加权）
rank-departments = 部门：
rank-units = 下级单位：
rank-row = { $n }. { $name } —— { $score }
rank-unranked = 未排名（样本太少）：{ $names }
rank-refused = /rank 只能在街道或区的群里由值班人员和管理员使用。
