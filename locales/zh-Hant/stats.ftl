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
report-columns = 類型,編號,名稱,吹哨,召集方數,報到,辦結,銷號,升級到社區,升級到街道,升級到區,退回重辦,報到率 %,報到用時中位數（秒）,報到用時 90%（秒）,辦結用時中位數（秒）,辦結用時 90%（秒）,按時辦結率 %,升級率 %,返工率 %,居民解決率 %,滿意率 %,未評價,聯盟單位全年報到單數
report-kind-unit = 單位
report-kind-department = 部門
cli-report-bad-month = --month 需要一個月份，例如 2026-11，而不是「{ $got }」。
cli-report-unknown-unit = 組織中沒有單位「{ $id }」。
org-assessment-value = [assessment] 中 { $key } = { $value } 不可用：basic_weight 為 0 到 1，min_cases 為 1 到 1000，rank_weights 為三個 0 到 1000 的整數且不全為 0
cli-export-bad-date = 日期應寫成 2026-11-01 這樣，而不是「{ $got }」。
cli-export-bad-range = --from { $from } 到 --to { $to } 不是有效的日期範圍（起始不晚於結束，最長五年）。
export-columns = 編號,單位,狀態,級別,吹哨時間,事件時間,人員,事件
export-state-open = 待報到
export-state-reported = 處理中
export-state-resolved = 已解決待核實
export-state-closed = 已辦結
export-state-cancelled = 已撤銷
stats-few-alliances = { $year } 年報到不足兩單的聯盟單位：{ $names }
rank-alliances = 聯盟單位：
report-kind-alliance = 聯盟單位
