# gridwhistle — 繁體中文

## 命令列
cli-imported = 已匯入：新增 { $created } 條，更新 { $updated } 條，未變 { $unchanged } 條。
cli-unchanged = 沒有變化：資料庫已與檔案一致（{ $unchanged } 條）。
cli-prune-plan = 以下內容檔案中已沒有，將被刪除：
cli-prune-nothing = 沒有需要刪除的內容。
cli-prune-confirm = 確認刪除請加 --yes 重新執行。
cli-prune-aborted = 未做任何修改。
cli-removed = 已刪除：{ $what }
cli-migrated = 資料庫結構已是最新。
cli-no-token = 缺少機器人令牌：請設定環境變數 TELOXIDE_TOKEN。
cli-bad-database = 無法開啟資料庫 { $url }：{ $error }
cli-cannot-read = 無法讀取檔案 { $file }：{ $error }
cli-file-error = { $file }:{ $line }: { $problem }
cli-empty-org = 資料庫裡還沒有組織架構。先執行：gridwhistle org import examples/huashan.toml
cli-started = gridwhistle 已啟動，正在接收訊息。按 Ctrl+C 停止。
cli-stopped = gridwhistle 已停止。
show-title = 組織架構（時區 { $tz }，預設語言 { $lang }）
show-unit = { $name }（{ $id }）· { $kind }
show-chat = 群 { $chat }
show-no-chat = 未綁定群
show-role-line = { $role }：{ $people }
show-departments = 職能部門
show-department = { $name }（{ $id }）
show-handles = 關鍵詞：{ $words }
show-alliances = 聯盟單位
show-admins = 管理員：{ $ids }
show-policy = 時限：{ $ack } 內報到，{ $resolve } 內處置，{ $verify } 內確認
show-policy-urgent = 緊急：{ $ack } 內報到，{ $resolve } 內處置
level-grid = 網格
level-community = 社區
level-subdistrict = 街道
level-district = 區

## 組織架構檔案的錯誤
org-syntax = 格式錯誤：{ $detail }
org-duplicate-id = { $what } 編號重複：{ $id }
org-unknown-parent = { $id } 的上級 { $parent } 不存在
org-parent-kind = { $id } 是{ $kind }，上級應為{ $expected }，但 { $parent } 是{ $parent_kind }
org-district-parent = { $id } 是區，不能有上級
org-cycle = 上下級形成了環：{ $path }
org-unknown-kind = 未知的單位類型 { $value }（可用：district、subdistrict、community、grid）
org-unknown-role = 未知的角色 { $role }（內建角色或在 [[role]] 中宣告的角色）
org-unknown-unit = 未知的單位 { $id }
org-unknown-department = 未知的部門 { $id }
org-member-scope = 每個 [[member]] 必須且只能寫 unit、department 或 alliance 之一
org-unknown-alliance = 未知的聯盟單位 { $id }
org-bad-duration = 時長格式不對：{ $value }（例如 "45s"、"30m"、"2h"、"1d"）
org-bad-timezone = 未知的時區 { $value }（例如 "Asia/Shanghai"）
org-bad-locale = 未知的語言 { $value }（可用：zh-Hans、zh-Hant、en）
org-bad-date = 日期格式不對：{ $value }（例如 "2026-10-01"）
org-bad-hours = 工作時間格式不對：{ $value }（例如 "09:00-18:00"）
org-bad-weekday = 未知的星期 { $value }（例如 "mon"）
org-role-names = 角色 { $id } 需要 zh-Hans、zh-Hant、en 三種名稱
org-bad-id = { $what } 編號 { $id } 為空、太長或含有不允許的字元（1 到 32 個：英文字母、數字、- 和 _，Telegram 連結只能帶這些）

## bot
menu-help = 我在這裡能做什麼
menu-whistle = 吹哨：發起哨令
menu-ack = 報到：/ack 42
menu-done = 已處置：/done 42 說明
menu-verify = 確認辦結：/verify 42
menu-reopen = 退回：/reopen 42 原因
menu-cancel = 撤銷：/cancel 42 原因
menu-list = 本群未辦結的哨令
menu-show = 查看哨令及時間線：/show 42
menu-roster = 本單位人員與角色
menu-assign = 分配角色：/assign 環衛 @用戶
menu-unassign = 取消角色：/unassign 環衛 @用戶
menu-bind = 把本群綁定到單位：/bind cuihu-1
menu-lang = 語言：/lang zh-Hans | zh-Hant | en
unknown-command = 不認識的命令 { $command }。發送 /help 查看可用命令。
anonymous = 匿名管理員或頻道身份無法吹哨或報到。請關閉匿名後用本人帳號發送。
not-bound = 本群還沒有綁定單位。網格長、值班員、部門聯絡人或管理員發送 <code>/bind 單位編號</code> 即可綁定，例如 <code>/bind cuihu-1</code>。
group-only = 這個命令要在單位的群裡使用。
need-order-number = 請寫上哨令編號，例如 <code>/show 42</code>，或回覆哨令卡片。
no-such-order = 沒有 #{ $id } 這張哨令。
order-elsewhere = #{ $id } 不屬於本群的單位，請到它所在的群處理。
whistle-not-member = { $name }，你還不在本單位名冊上，不能吹哨。請網格長用 <code>/assign 角色</code> 回覆你的訊息把你加入。
whistle-from-department = 部門群裡不吹哨：請在網格、社區或街道的群裡吹哨。部門在這裡報到和處置。
whistle-empty = 請寫明問題，例如：<code>吹哨 圓西路12號門口垃圾堆積 @環衛 2小時內</code>
due-passed = ⏰ #{ $id }：{ $wanted } 已經過了，處置時限按預設定為 { $resolve }。
due-unreadable = ⏰ #{ $id }：看不懂「{ $text }」這個時間，處置時限按預設定為 { $resolve }。
due-in-past = ⏰ #{ $id }：「{ $text }」已經過去了，處置時限按預設定為 { $resolve }。
button-set-due = { $wanted } 已過 · 改為{ $next }
due-set-ok = ⏰ #{ $id } 的處置時限已改為 { $time }。
refuse-set-due = 只有吹哨人、網格長或值班員可以修改 #{ $id } 的處置時限。
whistle-name-department = 街道吹哨請寫明要召集的部門，例如 <code>吹哨 城管中隊 水務局 圓西路積水</code>。可召集：{ $departments }
summoned-more =
    📣 #{ $id } 增派：
    { $parties }
    請報到。
card-title = 🔔 哨令 #{ $id } · { $unit }
card-title-urgent = 🔔 哨令 #{ $id } · { $unit } · 緊急
card-ack-by = { $time } 前報到
card-resolve-by = 限 { $time } 前處置
card-whistler = 吹哨：{ $name }
card-whistler-role = 吹哨：{ $name }（{ $role }）
card-reported = { $name } · { $time } 報到
card-resolved = ✅ 已處置 — { $name } { $time }{ $note }
card-please-verify = 請吹哨人 { $whistler } 確認。
card-closed = 🏁 已辦結 — { $name } { $time } 確認
card-cancelled = 🚫 已撤銷 — { $name } { $time }：{ $reason }
card-reopened = ↩️ 已退回：{ $reason }
party-duty-officers = { $unit } 值班員
party-vacant = （無人擔任，請網格長 { $leaders } 代為報到）
party-nobody = （名冊上無人，請管理員補充）
button-report = 報到
button-resolve = 已處置
button-verify = 確認
button-reopen = 退回
time-today = { $hm }
time-tomorrow = 明天 { $hm }
time-date = { $md } { $hm }
span-minutes = { $n } 分鐘
span-hours = { $h } 小時 { $m } 分鐘
span-days = { $n } 天
left = 還剩 { $span }
overdue-by = 已超時 { $span }
refuse-not-summoned = 只有被召集的人可以報到或處置。你的角色：{ $roles }。
refuse-not-summoned-generic = 只有被召集的人可以報到。
role-none = 不在本單位名冊上
refuse-resolved = #{ $id } 已處置，正等吹哨人確認；如需繼續處理請先退回。
refuse-closed = #{ $id } 已辦結。
refuse-cancelled = #{ $id } 已撤銷。
refuse-not-resolved = #{ $id } 還沒有處置，無法確認或退回。
refuse-top-level = #{ $id } 已在區級，無法再升級。
refuse-nothing-to-add = #{ $id } 已召集這些人員，無需重複。
refuse-not-whistler = 只有吹哨人、網格長或值班員可以確認或退回 #{ $id }。
refuse-cancel = 只有吹哨人、網格長或值班員可以撤銷 #{ $id }。
refuse-roster = 只有網格長、值班員或管理員可以調整名冊。
refuse-bind = 只有管理員或{ $unit }的網格長、值班員、聯絡人可以綁定本群。
refuse-lang = 只有本單位名冊上的人可以更改本群語言。
reported-ok = ✅ 已報到 #{ $id }
already-reported = 你已於 { $time } 報到 #{ $id }。
already-reported-by = { $name }已於 { $time } 報到 #{ $id }。
resolved-ok = ✅ #{ $id } 已標記為已處置，等待吹哨人確認。
resolved-notice =
    ✅ 已處置 #{ $id } — { $name } { $time }{ $note }
    請吹哨人 { $whistler } 確認：
verified-ok = 🏁 #{ $id } 已確認辦結，謝謝大家！
reopen-default-reason = 吹哨人退回，未處置到位
reopened-ok = ↩️ #{ $id } 已退回，請繼續處置。
reopened-notice =
    ↩️ #{ $id } 被 { $name } 退回：{ $reason }
    { $people } 請繼續處置。
reopen-usage = 請寫明退回原因，例如 <code>/reopen 42 垃圾還沒清完</code>
cancel-usage = 請寫明撤銷原因，例如 <code>/cancel 42 與 #41 重複</code>
cancelled-ok = 🚫 #{ $id } 已撤銷。
note-photo = [照片]
note-recorded = 📝 已記入 #{ $id } 的進展。
list-empty = 本群沒有未辦結的哨令。
list-title = 未辦結的哨令（{ $n }）
list-more = ……還有 { $n } 張，用 /show 編號 查看。
list-page = 第 { $page }/{ $pages } 頁 · 下一頁：/list { $next }
list-title-all = 全部哨令（{ $n }）
order-timeline = 時間線
order-ack-left = ⏰ 報到：{ $left }
order-resolve-left = ⏳ 處置：{ $left }
actor-system = 系統
ev-created = { $name } 吹哨
ev-party-added = 增派 { $party }
ev-reported = { $name } 報到（{ $party }）
ev-note = { $name }：{ $text }
ev-resolved = { $name } 已處置{ $note }
ev-verified = { $name } 確認辦結
ev-reopened = { $name } 退回：{ $reason }
ev-cancelled = { $name } 撤銷：{ $reason }
ev-escalated = ⬆️ 升級到{ $level }：{ $reason }
ev-reminded = ⏰ 提醒 { $party }
ev-verify-reminded = ⏰ 請 { $names } 確認
ev-delivery-failed = ⚠️ 訊息未能送達：{ $reason }
ev-resolve-due-set = { $name } 把處置時限改為 { $time }
roster-title = { $unit } 名冊
roster-vacant = （空缺）
roster-empty = 名冊上還沒有人。用 <code>/assign 角色 @用戶</code> 添加。
assign-usage = 用法：<code>/assign 環衛 @用戶名</code>，或回覆某人的訊息發送 <code>/assign 環衛</code>。
unassign-usage = 用法：<code>/unassign 環衛 @用戶名</code>，或回覆某人的訊息發送 <code>/unassign 環衛</code>。
unknown-username = 我還不認識 @{ $username }（Telegram 不允許機器人按用戶名查人）。請回覆此人的一條訊息再發送這個命令。
unknown-role = 不認識的角色「{ $role }」。可用：網格長、監督員、城管、專干、環衛、民警、聯絡員、紀檢、科室專干、值班員、聯絡人。
assigned = ✅ { $name } 現為{ $unit }的{ $role }。
already-assigned = { $name } 已經是{ $unit }的{ $role }。
unassigned = ✅ { $name } 不再擔任{ $unit }的{ $role }。
not-assigned = { $name } 並不是{ $unit }的{ $role }。
bind-usage = 用法：<code>/bind 單位編號</code>，例如 <code>/bind cuihu-1</code>（編號見組織架構檔案）。
bind-unknown = 沒有編號為 { $id } 的單位或部門。
bound = ✅ 本群已綁定到 { $unit }。發送 /help 查看用法。
lang-usage = 用法：<code>/lang zh-Hans</code>、<code>/lang zh-Hant</code> 或 <code>/lang en</code>
lang-set = 好的，本群今後使用繁體中文。
greeting =
    👋 大家好，我是吹哨報到助手。
    請網格長、值班員、部門聯絡人或管理員發送 <code>/bind 單位編號</code> 把本群綁定到單位，例如 <code>/bind cuihu-1</code>。
greeting-bound = 👋 大家好，本群屬於 { $unit }。發送 /help 查看用法。
help-private =
    你好！我是吹哨報到助手，在網格、社區、街道和部門的群裡工作。
    • 在群裡發送 /help 查看你能做什麼
    • <code>/lang en</code> 切換語言
help-unbound = 本群還沒有綁定單位。網格長、值班員、部門聯絡人或管理員發送 <code>/bind 單位編號</code>，例如 <code>/bind cuihu-1</code>。
help-header = <b>{ $unit } · 你在本群可以：</b>
help-whistle =
    🔔 <b>吹哨</b>：<code>吹哨 圓西路12號垃圾堆積 @環衛 @城管 緊急 18點前</code>
    不寫角色時按關鍵詞召集（垃圾→環衛，擺攤→城管，打架→民警）。
help-whistle-departments =
    🔔 <b>吹哨部門</b>：<code>吹哨 城管中隊 水務局 圓西路積水 2小時內</code>
    寫明部門名稱，或寫問題由關鍵詞匹配部門。
help-report =
    ✅ <b>報到</b>：點卡片上的「報到」，或回覆卡片「收到」，或 <code>/ack 42</code>
    🛠 <b>處置</b>：點「已處置」或 <code>/done 42 已清理</code>；回覆卡片寫進展、發照片
help-follow = 📋 <code>/list</code> 未辦結的哨令 · <code>/show 42</code> 時間線 · <code>/roster</code> 名冊
help-close = 🏁 吹哨人：<code>/verify 42</code> 確認，<code>/reopen 42 原因</code> 退回，<code>/cancel 42 原因</code> 撤銷，<code>/escalate 42 原因</code> 升級
help-lead = 👥 <b>名冊</b>：<code>/assign 環衛 @用戶</code> · <code>/unassign 環衛 @用戶</code>（或回覆其訊息）
help-not-member = 你還不在本單位名冊上：請網格長回覆你的訊息發送 <code>/assign 角色</code>。
help-lang = 🌐 <code>/lang zh-Hans</code> · <code>/lang zh-Hant</code> · <code>/lang en</code>
stale-button = 這個按鈕已失效。
internal-error = 抱歉，剛才出了點問題，什麼都沒有改變。請稍後再試。
demo-title = gridwhistle 演示 · 翠湖社區第一網格（訊息均由真實機器人經本地 Bot API 模擬伺服器發出）
demo-whistle = 吹哨 圓西路12號門口垃圾堆積，還有流動攤販 地點：圓西路12號 緊急 18點前
demo-ack = 收到
demo-progress = 攤販已勸離，正在等環衛清運
demo-done = /done 1 已清理完畢，垃圾已清運
demo-res-report = 翠湖北路講武堂門口的路燈壞了，天一黑這段路就一片漆黑
demo-res-ask = 問居民 燈桿上有編號嗎？
demo-res-answer = 有，燈桿上貼著 CH-017，就在講武堂大門東邊第二根。
demo-res-done = /done 3 已更換燈頭，路燈恢復照明
demo-history = ── 歷史：已透過儲存寫入 2026 年 11 月的 { $orders } 個哨令（華山街道翠湖、圓西兩個社區的三個網格，部分升級到街道並召集區職能部門，部分由居民上報並評價）──
demo-chart-file = 📁 圖表已寫入檔案：{ $path }
list-sep = 、
note-suffix = ：{ $note }
why-not-reported = { $parties } 未按時報到
why-not-resolved = 未按時處置
why-reopened-twice = 兩次退回，仍未處置到位
escalation-notice =
    ⬆️ #{ $id } 從 { $from } 升級到 { $to }
    原因：{ $reason }
    { $timeline }
    { $people } 請處理
escalated-at-top = ⬆️ #{ $id } 已在最高一級（{ $to }）：{ $reason }
button-take-over = 接手
card-escalated = ⬆️ 已升級到 { $unit }
reminder = ⏰ #{ $id } 提醒：{ $party } { $people } 請在 { $time } 前報到（{ $left }）
reminder-private =
    ⏰ #{ $id } · { $unit }：{ $text }
    請在 { $time } 前到群裡報到（{ $left }）。
verify-reminder =
    ⏰ #{ $id } 已於 { $time } 處置，還沒有人確認。
    請吹哨人 { $whistler } 看看現場：辦好了就確認，沒辦好就退回。
verify-ask =
    ⏰ #{ $id } · { $unit }：{ $text }
    { $time } 已處置，吹哨人 { $whistler } 還沒有確認。請 { $people } 核實後確認辦結或退回。
escalate-usage = 請寫明升級原因，例如 <code>/escalate 42 需要街道協調</code>
menu-escalate = 升級：/escalate 42 原因
refuse-escalate = 只有吹哨人、網格長或值班員可以升級 #{ $id }。
refuse-department-whistle = 只有街道值班員或管理員可以吹哨部門。
department-whistled = 📣 已吹哨 { $department }
demo-whistle-2 = 吹哨 翠湖北路人行道井蓋破損積水，還有佔道經營 @城管
refuse-note = 只有本單位名冊上的人或被召集的人可以記錄進展。
org-bad-department-id = 部門編號 { $id } 太長或含有不允許的字元（最多 32 個字元：英文字母、數字、- 和 _）
org-boundary-ring = 單位 { $id } 的邊界只有 { $points } 個點：一圈邊界至少要 3 個不同的角（首尾相同共 4 個點）
org-boundary-coordinate = 單位 { $id } 的邊界點 [{ $lon }, { $lat }] 超出範圍（按 [經度, 緯度] 書寫：經度 -180 到 180，緯度 -90 到 90）
org-boundary-twice = 單位 { $id } 同時寫了 boundary 和 boundary_file，只能寫一個
org-boundary-file = 單位 { $id } 的邊界檔案 { $file } 無法使用：{ $detail }
org-boundary-kind = 單位 { $id } 的邊界是 { $kind }，不是區域（需要 Polygon 或 MultiPolygon）
org-resident-limit = [resident] 中 { $key } = { $value } 超出範圍（{ $min } 到 { $max }）

# private menu
menu-report = 向網格反映問題（可附照片和位置）
menu-my = 我反映的問題和我的哨令
menu-forget = 從我的反映中刪除我的身份

# retention
org-retention-limit = [retention] 中 { $key } = { $value } 超出範圍（{ $min } 到 { $max } 天）
org-retention-word = [retention] 中 { $key } = "{ $value }" 不是 { $allowed } 之一
cli-pruned = 已清理：清空 { $payloads } 則更新內容，刪除 { $updates } 則舊更新、{ $outbox } 則已發訊息記錄、{ $jobs } 個已完成任務、{ $people } 位人員。
# webhook 模式與 HTTP 服務（gridwhistle run）
cli-webhook-url = webhook 位址 { $url } 無法使用：Telegram 只向 443、80、88 或 8443 連接埠的 https:// 位址推送（僅當 TELOXIDE_API_URL 指向本機 Bot API 伺服器時可用 http:// 和其他連接埠）。
cli-webhook-secret = GRIDWHISTLE_WEBHOOK_SECRET 須為 1 至 256 個字元，只能包含 A-Z、a-z、0-9、_ 和 -。
cli-webhook-no-listen = --webhook 需要同時給出 --listen 位址:連接埠，即反向代理轉發到的位置。
cli-bad-listen = 無法在 { $addr } 上監聽：{ $detail }
cli-webhook-refused = Telegram 未接受該 webhook：{ $detail }
# run lock and backup (issue 12)
cli-already-running = 另一個 gridwhistle run 已在使用這個資料庫（鎖定檔 { $lock }）。請先停止它；org import、migrate、backup 和 report 可以同時執行。
cli-lock-failed = 無法開啟鎖定檔 { $lock }：{ $error }
cli-backup-done = 已備份到 { $file }。還原方法：停止機器人，用備份取代資料庫檔案（並刪除其 -wal 和 -shm 檔案），再啟動機器人。
cli-backup-exists = { $file } 已存在：backup 不會覆寫檔案。請換一個新檔名。
cli-backup-postgres = backup 只複製 SQLite 資料庫。PostgreSQL 請用 pg_dump，例如 pg_dump --format=custom --file=gridwhistle.dump "$DATABASE_URL"，用 pg_restore --clean --dbname "$DATABASE_URL" gridwhistle.dump 還原。
cli-backup-failed = 備份到 { $file } 失敗：{ $error }
