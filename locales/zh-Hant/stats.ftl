## 統計與考核：/stats、/rank、統計圖、`gridwhistle report`。

menu-stats = 統計：/stats [week | month | 2026-11]
stats-usage = 用法：/stats [時段] —— 本週、本月（預設）、上月、11月、2026-11，或 2026-11-01..2026-11-15。
stats-refused = 只有本群名冊上的人員和管理員可以查看統計。
stats-title = 📊 <b>{ $scope }</b> · { $period }
stats-counts = 吹哨 { $whistles } · 已辦結 { $resolved } · 已銷號 { $closed } · 退回重辦 { $reopened }
stats-parties = 召集 { $parties } 方 · 已報到 { $reports }
stats-escalated = 升級到社區 { $community } · 街道 { $subdistrict } · 區 { $district }
stats-response = 報到率：{ $rate }
stats-on-time = 按時辦結率：{ $rate }
stats-report-time = 報到用時：中位數 { $median } · 90% { $p90 }
stats-resolve-time = 辦結用時：中位數 { $median } · 90% { $p90 }
stats-escalation-rate = 升級率：{ $rate }
stats-rework = 返工率：{ $rate }
stats-residents = 居民評價：解決率 { $solved } · 滿意率 { $satisfaction } · 未評價 { $not_rated }
stats-rate = { $pct }%（{ $cases }）
stats-too-few = 樣本太少（{ $cases }）
stats-none = —
stats-duration = { $h ->
    [0] { $m }分鐘
   *[other] { $h }小時{ $m }分鐘
}
stats-by = 按{ $of }：
stats-row = { $name }：報到率 { $response } · 辦結用時中位數 { $median }
stats-of-units = 下級單位
stats-of-departments = 部門
stats-chart-caption = 📊 { $scope } · { $period }：按{ $of }的報到率與辦結用時中位數
stats-chart-response = 報到率 %
stats-chart-median = 辦結用時中位數（小時）
rank-title = 🏆 <b>{ $scope }</b> · { $period }（得分：報到率、按時辦結率、滿意率加權）
rank-departments = 部門：
rank-units = 下級單位：
rank-row = { $n }. { $name } —— { $score }
rank-unranked = 未排名（樣本太少）：{ $names }
rank-refused = /rank 只能在街道或區的群裡由值班人員和管理員使用。
