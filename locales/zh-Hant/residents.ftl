## The private chat with residents: the report dialogue, relay, rating, /my, /forget.

resident-label = 居民 #{ $no }
ev-asked-resident = { $name } 問居民：{ $text }
ev-resident-answered = { $name } 答覆：{ $text }{ $photos ->
    [0] {""}
   *[other] （{ $photos } 張照片）
}
ev-rated = { $name } 評價：{ $answer }
ev-followed = { $name } 反映了同一問題
button-ask-resident = 💬 問居民
res-photos-caption = 📷 #{ $id } { $who } 拍的照片
res-card-wait = ⏳ 等待{ $who } 確認是否解決。
res-resolved-notice =
    ✅ 已處置 #{ $id } — { $name } { $time }{ $note }
    已請{ $who } 確認是否解決。
rate-solved = 已解決
rate-not-solved = 沒解決
rate-satisfied = 滿意
rate-basic = 基本滿意
rate-dissatisfied = 不滿意

res-welcome =
    您好！在這裡可以向社區反映身邊的問題：路燈、垃圾、噪音、井蓋、違章……
    網格員會接單處理，進展會在這裡告訴您。
    ⚠️ 緊急情況請直接撥打 110（報警）、119（火警）、120（急救）。
res-welcome-unit = 您好！您正在向「{ $unit }」反映問題。⚠️ 緊急情況請直接撥打 110 / 119 / 120。
res-unknown-link = 這個連結對應的網格沒有找到，您仍可以直接反映問題。
res-start-button = 📝 我要反映問題
res-ask-description = 請用一兩句話說說是什麼問題，也可以發照片（最多 { $max } 張）。
res-ask-place = 📍 問題在哪裡？請點下方「發送位置」，或直接輸入地址（例如：華山路 100 弄 3 號）。
res-location-button = 📍 發送位置
res-skip-place = 說不清，我選社區
res-place-none = 未提供
res-got-photos = 📷 照片已收到。
res-got-place = 📍 位置已收到。
res-too-many-photos = 最多附 { $max } 張照片，多出的沒有收下。
res-too-long = 描述太長了（最多 { $max } 字），請簡短些再發。
res-summary =
    <b>請確認您的反映</b>
    問題：{ $text }
    地點：{ $place }
    照片：{ $photos } 張
    交給：{ $unit }
res-confirm-button = ✅ 確認提交
res-edit-button = ✏️ 修改
res-cancel-button = ✖️ 取消
res-edit-prompt = 好的，請重新發送問題描述和位置；已發的照片會保留。
res-cancelled = 已取消，這次反映沒有提交。需要時發 /report 重新開始。
res-nothing-to-cancel = 現在沒有進行中的反映。
res-submitted = ✅ 已提交，編號 #{ $id }。網格員會儘快處理，進展會在這裡通知您。發 /my 可查看。
res-submitted-toast = 已提交 #{ $id }
res-choose-community = 沒能從位置判斷所屬社區，請選擇：
res-choose-grid = 請選擇所在網格：
res-not-sure = 不清楚
res-page-more = 更多 ▸
res-page-back = ◂ 上一頁
res-duplicate =
    附近已有一個相似的問題正在處理：
    #{ $id } · { $place } · { $state }
    是同一個問題嗎？
res-join-button = 是，關注它
res-not-duplicate-button = 不是，繼續提交
res-joined = 好的，#{ $id } 有進展時會通知您。
res-expired = 您之前未完成的反映已超過 24 小時，已作廢。
res-limit = 24 小時內已提交 { $max } 次反映，請稍後再來。緊急情況請撥打 110 / 119 / 120。
res-blocked = 抱歉，您暫時不能透過本機器人反映問題。如有需要，請聯繫社區居委會。
res-no-unit-chat = 抱歉，這個區域還沒有開通線上反映，請聯繫社區居委會。
res-stale = 這個按鈕已過期。
res-question =
    關於您反映的 #{ $id }，工作人員問：
    { $text }
    請點「回覆」後發送答覆，或直接回覆這條訊息。
res-answer-button = 💬 回覆
res-answer-prompt = 請發送您對 #{ $id } 的答覆（文字或照片）。
res-answer-sent = 已轉達給工作人員，謝謝！
res-relay-answer = 💬 { $who } 回覆 #{ $id }：{ $text }
res-question-sent = 已把問題轉給 { $who }，答覆會回到這張卡片下。
res-ask-how = 請回覆這張卡片，以「問居民」開頭寫下問題。
res-not-residents = #{ $id } 不是居民反映的。
res-gone = #{ $id } 的居民已註銷，無法轉達。
res-notice-reported = #{ $id }：{ $party } 已報到，正在處理。
res-notice-escalated = #{ $id } 已提交{ $level }協調處理。
res-notice-resolved = ✅ #{ $id } 已處理完畢{ $note }。
res-notice-closed = #{ $id } 已辦結。謝謝您的反映！
res-notice-cancelled = #{ $id } 已撤銷：{ $reason }
res-ask-solved = #{ $id } 的問題解決了嗎？您滿意嗎？
res-solved-button = ✅ 已解決
res-not-solved-button = ❌ 沒解決
res-thanks = 謝謝您的評價！
res-thanks-solved = 謝謝確認，#{ $id } 已辦結。
res-explain-prompt = 請說說哪裡還沒解決，我們會退回重新處理。
res-reopened = 已退回 #{ $id } 重新處理，有進展會告訴您。
res-not-resolved-now = #{ $id } 現在不在待確認狀態。
res-state-open = 待處理
res-state-reported = 處理中
res-state-resolved = 已處理，待您確認
res-state-closed = 已辦結
res-state-cancelled = 已撤銷
res-my-title = <b>我的反映</b>
res-my-line = #{ $id } · { $state } · { $text }
res-my-empty = 您還沒有反映過問題。發 /report 開始。
res-my-summoned = <b>我被召集的工單</b>
res-forget-confirm = 將刪除您的 Telegram 身分和這裡的對話記錄。已提交的反映會保留，但不再與您關聯，您也不會再收到它們的進展。確定嗎？
res-forget-button = 確認刪除
res-forgotten = 已刪除：您的身分已從 { $orders } 條反映中移除，清除了 { $updates } 條訊息記錄。
res-forgotten-toast = 已刪除
res-forget-nothing = 這裡沒有您的資訊需要刪除。
res-help =
    <b>向社區反映問題</b>
    /report 反映一個問題（描述、照片、位置）
    /my 查看我反映的問題
    /cancel 取消正在填寫的反映
    /lang 切換語言（zh-Hans / zh-Hant / en）
    /forget 刪除我的資訊
    緊急情況請撥打 110 / 119 / 120。
res-private-only = 這個命令請在與機器人的私聊中使用。
res-blocked-ok = 已封鎖 { $who }，其之後的反映將被禮貌拒絕。
res-already-blocked = { $who } 已經被封鎖。
res-unblocked = 已解除對 { $who } 的封鎖。
res-not-blocked = { $who } 沒有被封鎖。
res-block-refused = 只有網格長、值班員和管理員可以封鎖居民。
res-block-usage = 用法：回覆居民反映的工單卡片發 /block，或 /unblock 居民編號（例如 /unblock 7）。
