# gridwhistle — 简体中文（默认）

## 命令行
cli-imported = 已导入：新增 { $created } 条，更新 { $updated } 条，未变 { $unchanged } 条。
cli-unchanged = 没有变化：数据库已与文件一致（{ $unchanged } 条）。
cli-prune-plan = 以下内容文件中已没有，将被删除：
cli-prune-nothing = 没有需要删除的内容。
cli-prune-confirm = 确认删除请加 --yes 重新运行。
cli-prune-aborted = 未做任何修改。
cli-removed = 已删除：{ $what }
cli-migrated = 数据库结构已是最新。
cli-no-token = 缺少机器人令牌：请设置环境变量 TELOXIDE_TOKEN。
cli-bad-database = 无法打开数据库 { $url }：{ $error }
cli-cannot-read = 无法读取文件 { $file }：{ $error }
cli-file-error = { $file }:{ $line }: { $problem }
cli-empty-org = 数据库里还没有组织架构。先运行：gridwhistle org import examples/huashan.toml
cli-started = gridwhistle 已启动，正在接收消息。按 Ctrl+C 停止。
cli-stopped = gridwhistle 已停止。
show-title = 组织架构（时区 { $tz }，默认语言 { $lang }）
show-unit = { $name }（{ $id }）· { $kind }
show-chat = 群 { $chat }
show-no-chat = 未绑定群
show-role-line = { $role }：{ $people }
show-departments = 职能部门
show-department = { $name }（{ $id }）
show-handles = 关键词：{ $words }
show-alliances = 联盟单位
show-admins = 管理员：{ $ids }
show-policy = 时限：{ $ack } 内报到，{ $resolve } 内处置，{ $verify } 内确认
show-policy-urgent = 紧急：{ $ack } 内报到，{ $resolve } 内处置
level-grid = 网格
level-community = 社区
level-subdistrict = 街道
level-district = 区

## 组织架构文件的错误
org-syntax = 格式错误：{ $detail }
org-duplicate-id = { $what } 编号重复：{ $id }
org-unknown-parent = { $id } 的上级 { $parent } 不存在
org-parent-kind = { $id } 是{ $kind }，上级应为{ $expected }，但 { $parent } 是{ $parent_kind }
org-district-parent = { $id } 是区，不能有上级
org-cycle = 上下级形成了环：{ $path }
org-unknown-kind = 未知的单位类型 { $value }（可用：district、subdistrict、community、grid）
org-unknown-role = 未知的角色 { $role }（内置角色或在 [[role]] 中声明的角色）
org-unknown-unit = 未知的单位 { $id }
org-unknown-department = 未知的部门 { $id }
org-member-scope = 每个 [[member]] 必须且只能写 unit、department 或 alliance 之一
org-unknown-alliance = 未知的联盟单位 { $id }
org-bad-duration = 时长格式不对：{ $value }（例如 "45s"、"30m"、"2h"、"1d"）
org-bad-timezone = 未知的时区 { $value }（例如 "Asia/Shanghai"）
org-bad-locale = 未知的语言 { $value }（可用：zh-Hans、zh-Hant、en）
org-bad-date = 日期格式不对：{ $value }（例如 "2026-10-01"）
org-bad-hours = 工作时间格式不对：{ $value }（例如 "09:00-18:00"）
org-bad-weekday = 未知的星期 { $value }（例如 "mon"）
org-role-names = 角色 { $id } 需要 zh-Hans、zh-Hant、en 三种名称
org-bad-id = { $what } 编号 { $id } 为空、太长或含有不允许的字符（1 到 32 个：英文字母、数字、- 和 _，Telegram 链接只能带这些）

## bot
menu-help = 我在这里能做什么
menu-whistle = 吹哨：发起哨令
menu-ack = 报到：/ack 42
menu-done = 已处置：/done 42 说明
menu-verify = 确认办结：/verify 42
menu-reopen = 退回：/reopen 42 原因
menu-cancel = 撤销：/cancel 42 原因
menu-list = 本群未办结的哨令
menu-show = 查看哨令及时间线：/show 42
menu-roster = 本单位人员与角色
menu-assign = 分配角色：/assign 环卫 @用户
menu-unassign = 取消角色：/unassign 环卫 @用户
menu-bind = 把本群绑定到单位：/bind cuihu-1
menu-lang = 语言：/lang zh-Hans | zh-Hant | en
unknown-command = 不认识的命令 { $command }。发送 /help 查看可用命令。
anonymous = 匿名管理员或频道身份无法吹哨或报到。请关闭匿名后用本人账号发送。
not-bound = 本群还没有绑定单位。网格长、值班员、部门联络人或管理员发送 <code>/bind 单位编号</code> 即可绑定，例如 <code>/bind cuihu-1</code>。
group-only = 这个命令要在单位的群里使用。
need-order-number = 请写上哨令编号，例如 <code>/show 42</code>，或回复哨令卡片。
no-such-order = 没有 #{ $id } 这张哨令。
order-elsewhere = #{ $id } 不属于本群的单位，请到它所在的群处理。
whistle-not-member = { $name }，你还不在本单位名册上，不能吹哨。请网格长用 <code>/assign 角色</code> 回复你的消息把你加入。
whistle-from-department = 部门群里不吹哨：请在网格、社区或街道的群里吹哨。部门在这里报到和处置。
whistle-empty = 请写明问题，例如：<code>吹哨 圆西路12号门口垃圾堆积 @环卫 2小时内</code>
due-passed = ⏰ #{ $id }：{ $wanted } 已经过了，处置时限按默认定为 { $resolve }。
due-unreadable = ⏰ #{ $id }：看不懂“{ $text }”这个时间，处置时限按默认定为 { $resolve }。
due-in-past = ⏰ #{ $id }：“{ $text }”已经过去了，处置时限按默认定为 { $resolve }。
button-set-due = { $wanted } 已过 · 改为{ $next }
due-set-ok = ⏰ #{ $id } 的处置时限已改为 { $time }。
refuse-set-due = 只有吹哨人、网格长或值班员可以修改 #{ $id } 的处置时限。
whistle-name-department = 街道吹哨请写明要召集的部门，例如 <code>吹哨 城管中队 水务局 圆西路积水</code>。可召集：{ $departments }
summoned-more =
    📣 #{ $id } 增派：
    { $parties }
    请报到。
card-title = 🔔 哨令 #{ $id } · { $unit }
card-title-urgent = 🔔 哨令 #{ $id } · { $unit } · 紧急
card-ack-by = { $time } 前报到
card-resolve-by = 限 { $time } 前处置
card-whistler = 吹哨：{ $name }
card-whistler-role = 吹哨：{ $name }（{ $role }）
card-reported = { $name } · { $time } 报到
card-resolved = ✅ 已处置 — { $name } { $time }{ $note }
card-please-verify = 请吹哨人 { $whistler } 确认。
card-closed = 🏁 已办结 — { $name } { $time } 确认
card-cancelled = 🚫 已撤销 — { $name } { $time }：{ $reason }
card-reopened = ↩️ 已退回：{ $reason }
party-duty-officers = { $unit } 值班员
party-vacant = （无人担任，请网格长 { $leaders } 代为报到）
party-nobody = （名册上无人，请管理员补充）
button-report = 报到
button-resolve = 已处置
button-verify = 确认
button-reopen = 退回
time-today = { $hm }
time-tomorrow = 明天 { $hm }
time-date = { $md } { $hm }
span-minutes = { $n } 分钟
span-hours = { $h } 小时 { $m } 分钟
span-days = { $n } 天
left = 还剩 { $span }
overdue-by = 已超时 { $span }
refuse-not-summoned = 只有被召集的人可以报到或处置。你的角色：{ $roles }。
refuse-not-summoned-generic = 只有被召集的人可以报到。
role-none = 不在本单位名册上
refuse-resolved = #{ $id } 已处置，正等吹哨人确认；如需继续处理请先退回。
refuse-closed = #{ $id } 已办结。
refuse-cancelled = #{ $id } 已撤销。
refuse-not-resolved = #{ $id } 还没有处置，无法确认或退回。
refuse-top-level = #{ $id } 已在区级，无法再升级。
refuse-nothing-to-add = #{ $id } 已召集这些人员，无需重复。
refuse-not-whistler = 只有吹哨人、网格长或值班员可以确认或退回 #{ $id }。
refuse-cancel = 只有吹哨人、网格长或值班员可以撤销 #{ $id }。
refuse-roster = 只有网格长、值班员或管理员可以调整名册。
refuse-bind = 只有管理员或{ $unit }的网格长、值班员、联络人可以绑定本群。
refuse-lang = 只有本单位名册上的人可以更改本群语言。
reported-ok = ✅ 已报到 #{ $id }
already-reported = 你已于 { $time } 报到 #{ $id }。
already-reported-by = { $name }已于 { $time } 报到 #{ $id }。
resolved-ok = ✅ #{ $id } 已标记为已处置，等待吹哨人确认。
resolved-notice =
    ✅ 已处置 #{ $id } — { $name } { $time }{ $note }
    请吹哨人 { $whistler } 确认：
verified-ok = 🏁 #{ $id } 已确认办结，谢谢大家！
reopen-default-reason = 吹哨人退回，未处置到位
reopened-ok = ↩️ #{ $id } 已退回，请继续处置。
reopened-notice =
    ↩️ #{ $id } 被 { $name } 退回：{ $reason }
    { $people } 请继续处置。
reopen-usage = 请写明退回原因，例如 <code>/reopen 42 垃圾还没清完</code>
cancel-usage = 请写明撤销原因，例如 <code>/cancel 42 与 #41 重复</code>
cancelled-ok = 🚫 #{ $id } 已撤销。
note-photo = [照片]
note-recorded = 📝 已记入 #{ $id } 的进展。
list-empty = 本群没有未办结的哨令。
list-title = 未办结的哨令（{ $n }）
list-more = ……还有 { $n } 张，用 /show 编号 查看。
list-page = 第 { $page }/{ $pages } 页 · 下一页：/list { $next }
list-title-all = 全部哨令（{ $n }）
order-timeline = 时间线
order-ack-left = ⏰ 报到：{ $left }
order-resolve-left = ⏳ 处置：{ $left }
actor-system = 系统
ev-created = { $name } 吹哨
ev-party-added = 增派 { $party }
ev-reported = { $name } 报到（{ $party }）
ev-note = { $name }：{ $text }
ev-resolved = { $name } 已处置{ $note }
ev-verified = { $name } 确认办结
ev-reopened = { $name } 退回：{ $reason }
ev-cancelled = { $name } 撤销：{ $reason }
ev-escalated = ⬆️ 升级到{ $level }：{ $reason }
ev-reminded = ⏰ 提醒 { $party }
ev-verify-reminded = ⏰ 请 { $names } 确认
ev-delivery-failed = ⚠️ 消息未能送达：{ $reason }
ev-resolve-due-set = { $name } 把处置时限改为 { $time }
roster-title = { $unit } 名册
roster-vacant = （空缺）
roster-empty = 名册上还没有人。用 <code>/assign 角色 @用户</code> 添加。
assign-usage = 用法：<code>/assign 环卫 @用户名</code>，或回复某人的消息发送 <code>/assign 环卫</code>。
unassign-usage = 用法：<code>/unassign 环卫 @用户名</code>，或回复某人的消息发送 <code>/unassign 环卫</code>。
unknown-username = 我还不认识 @{ $username }（Telegram 不允许机器人按用户名查人）。请回复此人的一条消息再发送这个命令。
unknown-role = 不认识的角色“{ $role }”。可用：网格长、监督员、城管、专干、环卫、民警、联络员、纪检、科室专干、值班员、联络人。
assigned = ✅ { $name } 现为{ $unit }的{ $role }。
already-assigned = { $name } 已经是{ $unit }的{ $role }。
unassigned = ✅ { $name } 不再担任{ $unit }的{ $role }。
not-assigned = { $name } 并不是{ $unit }的{ $role }。
bind-usage = 用法：<code>/bind 单位编号</code>，例如 <code>/bind cuihu-1</code>（编号见组织架构文件）。
bind-unknown = 没有编号为 { $id } 的单位或部门。
bound = ✅ 本群已绑定到 { $unit }。发送 /help 查看用法。
lang-usage = 用法：<code>/lang zh-Hans</code>、<code>/lang zh-Hant</code> 或 <code>/lang en</code>
lang-set = 好的，本群今后使用简体中文。
greeting =
    👋 大家好，我是吹哨报到助手。
    请网格长、值班员、部门联络人或管理员发送 <code>/bind 单位编号</code> 把本群绑定到单位，例如 <code>/bind cuihu-1</code>。
greeting-bound = 👋 大家好，本群属于 { $unit }。发送 /help 查看用法。
help-private =
    你好！我是吹哨报到助手，在网格、社区、街道和部门的群里工作。
    • 在群里发送 /help 查看你能做什么
    • <code>/lang en</code> 切换语言
help-unbound = 本群还没有绑定单位。网格长、值班员、部门联络人或管理员发送 <code>/bind 单位编号</code>，例如 <code>/bind cuihu-1</code>。
help-header = <b>{ $unit } · 你在本群可以：</b>
help-whistle =
    🔔 <b>吹哨</b>：<code>吹哨 圆西路12号垃圾堆积 @环卫 @城管 紧急 18点前</code>
    不写角色时按关键词召集（垃圾→环卫，摆摊→城管，打架→民警）。
help-whistle-departments =
    🔔 <b>吹哨部门</b>：<code>吹哨 城管中队 水务局 圆西路积水 2小时内</code>
    写明部门名称，或写问题由关键词匹配部门。
help-report =
    ✅ <b>报到</b>：点卡片上的「报到」，或回复卡片“收到”，或 <code>/ack 42</code>
    🛠 <b>处置</b>：点「已处置」或 <code>/done 42 已清理</code>；回复卡片写进展、发照片
help-follow = 📋 <code>/list</code> 未办结的哨令 · <code>/show 42</code> 时间线 · <code>/roster</code> 名册
help-close = 🏁 吹哨人：<code>/verify 42</code> 确认，<code>/reopen 42 原因</code> 退回，<code>/cancel 42 原因</code> 撤销，<code>/escalate 42 原因</code> 升级
help-lead = 👥 <b>名册</b>：<code>/assign 环卫 @用户</code> · <code>/unassign 环卫 @用户</code>（或回复其消息）
help-not-member = 你还不在本单位名册上：请网格长回复你的消息发送 <code>/assign 角色</code>。
help-lang = 🌐 <code>/lang zh-Hans</code> · <code>/lang zh-Hant</code> · <code>/lang en</code>
stale-button = 这个按钮已失效。
internal-error = 抱歉，刚才出了点问题，什么都没有改变。请稍后再试。
demo-title = gridwhistle 演示 · 翠湖社区第一网格（消息均由真实机器人经本地 Bot API 模拟服务器发出）
demo-whistle = 吹哨 圆西路12号门口垃圾堆积，还有流动摊贩 地点：圆西路12号 紧急 18点前
demo-ack = 收到
demo-progress = 摊贩已劝离，正在等环卫清运
demo-done = /done 1 已清理完毕，垃圾已清运
demo-res-report = 翠湖北路讲武堂门口的路灯坏了，天一黑这段路就一片漆黑
demo-res-ask = 问居民 灯杆上有编号吗？
demo-res-answer = 有，灯杆上贴着 CH-017，就在讲武堂大门东边第二根。
demo-res-done = /done 3 已更换灯头，路灯恢复照明
demo-history = ── 历史：已通过存储写入 2026 年 11 月的 { $orders } 个哨令（华山街道翠湖、圆西两个社区的三个网格，部分升级到街道并召集区职能部门，部分由居民上报并评价）──
demo-chart-file = 📁 图表已写入文件：{ $path }
list-sep = 、
note-suffix = ：{ $note }
why-not-reported = { $parties } 未按时报到
why-not-resolved = 未按时处置
why-reopened-twice = 两次退回，仍未处置到位
escalation-notice =
    ⬆️ #{ $id } 从 { $from } 升级到 { $to }
    原因：{ $reason }
    { $timeline }
    { $people } 请处理
escalated-at-top = ⬆️ #{ $id } 已在最高一级（{ $to }）：{ $reason }
button-take-over = 接手
card-escalated = ⬆️ 已升级到 { $unit }
reminder = ⏰ #{ $id } 提醒：{ $party } { $people } 请在 { $time } 前报到（{ $left }）
reminder-private =
    ⏰ #{ $id } · { $unit }：{ $text }
    请在 { $time } 前到群里报到（{ $left }）。
verify-reminder =
    ⏰ #{ $id } 已于 { $time } 处置，还没有人确认。
    请吹哨人 { $whistler } 看看现场：办好了就确认，没办好就退回。
verify-ask =
    ⏰ #{ $id } · { $unit }：{ $text }
    { $time } 已处置，吹哨人 { $whistler } 还没有确认。请 { $people } 核实后确认办结或退回。
escalate-usage = 请写明升级原因，例如 <code>/escalate 42 需要街道协调</code>
menu-escalate = 升级：/escalate 42 原因
refuse-escalate = 只有吹哨人、网格长或值班员可以升级 #{ $id }。
refuse-department-whistle = 只有街道值班员或管理员可以吹哨部门。
department-whistled = 📣 已吹哨 { $department }
demo-whistle-2 = 吹哨 翠湖北路人行道井盖破损积水，还有占道经营 @城管
refuse-note = 只有本单位名册上的人或被召集的人可以记录进展。
org-bad-department-id = 部门编号 { $id } 太长或含有不允许的字符（最多 32 个字符：英文字母、数字、- 和 _）
org-boundary-ring = 单位 { $id } 的边界只有 { $points } 个点：一圈边界至少要 3 个不同的角（首尾相同共 4 个点）
org-boundary-coordinate = 单位 { $id } 的边界点 [{ $lon }, { $lat }] 超出范围（按 [经度, 纬度] 书写：经度 -180 到 180，纬度 -90 到 90）
org-boundary-twice = 单位 { $id } 同时写了 boundary 和 boundary_file，只能写一个
org-boundary-file = 单位 { $id } 的边界文件 { $file } 无法使用：{ $detail }
org-boundary-kind = 单位 { $id } 的边界是 { $kind }，不是区域（需要 Polygon 或 MultiPolygon）
org-resident-limit = [resident] 中 { $key } = { $value } 超出范围（{ $min } 到 { $max }）

# private menu
menu-report = 向网格反映问题（可附照片和位置）
menu-my = 我反映的问题和我的哨令
menu-forget = 从我的反映中删除我的身份

# retention
org-retention-limit = [retention] 中 { $key } = { $value } 超出范围（{ $min } 到 { $max } 天）
org-retention-word = [retention] 中 { $key } = "{ $value }" 不是 { $allowed } 之一
cli-pruned = 已清理：清空 { $payloads } 条更新内容，删除 { $updates } 条旧更新、{ $outbox } 条已发消息记录、{ $jobs } 个已完成任务、{ $people } 位人员。
# webhook 模式与 HTTP 服务（gridwhistle run）
cli-webhook-url = webhook 地址 { $url } 不可用：Telegram 只向 443、80、88 或 8443 端口的 https:// 地址推送（仅当 TELOXIDE_API_URL 指向本机 Bot API 服务器时可用 http:// 和其他端口）。
cli-webhook-secret = GRIDWHISTLE_WEBHOOK_SECRET 须为 1 至 256 个字符，只能包含 A-Z、a-z、0-9、_ 和 -。
cli-webhook-no-listen = --webhook 需要同时给出 --listen 地址:端口，即反向代理转发到的位置。
cli-bad-listen = 无法在 { $addr } 上监听：{ $detail }
cli-webhook-refused = Telegram 未接受该 webhook：{ $detail }
# run lock and backup (issue 12)
cli-already-running = 另一个 gridwhistle run 已在使用这个数据库（锁文件 { $lock }）。请先停止它；org import、migrate、backup 和 report 可以同时运行。
cli-lock-failed = 无法打开锁文件 { $lock }：{ $error }
cli-backup-done = 已备份到 { $file }。恢复方法：停止机器人，用备份替换数据库文件（并删除其 -wal 和 -shm 文件），再启动机器人。
cli-backup-exists = { $file } 已存在：backup 不会覆盖文件。请换一个新文件名。
cli-backup-postgres = backup 只复制 SQLite 数据库。PostgreSQL 请用 pg_dump，例如 pg_dump --format=custom --file=gridwhistle.dump "$DATABASE_URL"，用 pg_restore --clean --dbname "$DATABASE_URL" gridwhistle.dump 恢复。
cli-backup-failed = 备份到 { $file } 失败：{ $error }
