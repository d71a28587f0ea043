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
report-columns = 类型,编号,名称,吹哨,召集方数,报到,办结,销号,升级到社区,升级到街道,升级到区,退回重办,报到率 %,报到用时中位数（秒）,报到用时 90%（秒）,办结用时中位数（秒）,办结用时 90%（秒）,按时办结率 %,升级率 %,返工率 %,居民解决率 %,满意率 %,未评价,联盟单位全年报到单数
report-kind-unit = 单位
report-kind-department = 部门
cli-report-bad-month = --month 需要一个月份，例如 2026-11，而不是“{ $got }”。
cli-report-unknown-unit = 组织中没有单位“{ $id }”。
org-assessment-value = [assessment] 中 { $key } = { $value } 不可用：basic_weight 为 0 到 1，min_cases 为 1 到 1000，rank_weights 为三个 0 到 1000 的整数且不全为 0
cli-export-bad-date = 日期应写成 2026-11-01 这样，而不是“{ $got }”。
cli-export-bad-range = --from { $from } 到 --to { $to } 不是有效的日期范围（起始不晚于结束，最长五年）。
export-columns = 编号,单位,状态,级别,吹哨时间,事件时间,人员,事件
export-state-open = 待报到
export-state-reported = 处理中
export-state-resolved = 已解决待核实
export-state-closed = 已办结
export-state-cancelled = 已撤销
stats-few-alliances = { $year } 年报到不足两单的联盟单位：{ $names }
rank-alliances = 联盟单位：
report-kind-alliance = 联盟单位
