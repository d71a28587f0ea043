## The private chat with residents: the report dialogue, relay, rating, /my, /forget.

# How a resident is named in groups, timelines and exports: a number, never a name.
resident-label = 居民 #{ $no }
ev-asked-resident = { $name } 问居民：{ $text }
ev-resident-answered = { $name } 答复：{ $text }{ $photos ->
    [0] {""}
   *[other] （{ $photos } 张照片）
}
ev-rated = { $name } 评价：{ $answer }
ev-followed = { $name } 反映了同一问题
button-ask-resident = 💬 问居民
res-photos-caption = 📷 #{ $id } { $who } 拍的照片
res-card-wait = ⏳ 等待{ $who } 确认是否解决。
res-resolved-notice =
    ✅ 已处置 #{ $id } — { $name } { $time }{ $note }
    已请{ $who } 确认是否解决。
rate-solved = 已解决
rate-not-solved = 没解决
rate-satisfied = 满意
rate-basic = 基本满意
rate-dissatisfied = 不满意

res-welcome =
    您好！在这里可以向社区反映身边的问题：路灯、垃圾、噪音、井盖、违章……
    网格员会接单处理，进展会在这里告诉您。
    ⚠️ 紧急情况请直接拨打 110（报警）、119（火警）、120（急救）。
res-welcome-unit = 您好！您正在向「{ $unit }」反映问题。⚠️ 紧急情况请直接拨打 110 / 119 / 120。
res-unknown-link = 这个链接对应的网格没有找到，您仍可以直接反映问题。
res-start-button = 📝 我要反映问题
res-ask-description = 请用一两句话说说是什么问题，也可以发照片（最多 { $max } 张）。
res-ask-place = 📍 问题在哪里？请点下方「发送位置」，或直接输入地址（例如：华山路 100 弄 3 号）。
res-location-button = 📍 发送位置
res-skip-place = 说不清，我选社区
res-place-none = 未提供
res-got-photos = 📷 照片已收到。
res-got-place = 📍 位置已收到。
res-too-many-photos = 最多附 { $max } 张照片，多出的没有收下。
res-too-long = 描述太长了（最多 { $max } 字），请简短些再发。
res-summary =
    <b>请确认您的反映</b>
    问题：{ $text }
    地点：{ $place }
    照片：{ $photos } 张
    交给：{ $unit }
res-confirm-button = ✅ 确认提交
res-edit-button = ✏️ 修改
res-cancel-button = ✖️ 取消
res-edit-prompt = 好的，请重新发送问题描述和位置；已发的照片会保留。
res-cancelled = 已取消，这次反映没有提交。需要时发 /report 重新开始。
res-nothing-to-cancel = 现在没有进行中的反映。
res-submitted = ✅ 已提交，编号 #{ $id }。网格员会尽快处理，进展会在这里通知您。发 /my 可查看。
res-submitted-toast = 已提交 #{ $id }
res-choose-community = 没能从位置判断所属社区，请选择：
res-choose-grid = 请选择所在网格：
res-not-sure = 不清楚
res-page-more = 更多 ▸
res-page-back = ◂ 上一页
res-duplicate =
    附近已有一个相似的问题正在处理：
    #{ $id } · { $place } · { $state }
    是同一个问题吗？
res-join-button = 是，关注它
res-not-duplicate-button = 不是，继续提交
res-joined = 好的，#{ $id } 有进展时会通知您。
res-expired = 您之前未完成的反映已超过 24 小时，已作废。
res-limit = 24 小时内已提交 { $max } 次反映，请稍后再来。紧急情况请拨打 110 / 119 / 120。
res-blocked = 抱歉，您暂时不能通过本机器人反映问题。如有需要，请联系社区居委会。
res-no-unit-chat = 抱歉，这个区域还没有开通线上反映，请联系社区居委会。
res-stale = 这个按钮已过期。
res-question =
    关于您反映的 #{ $id }，工作人员问：
    { $text }
    请点「回复」后发送答复，或直接回复这条消息。
res-answer-button = 💬 回复
res-answer-prompt = 请发送您对 #{ $id } 的答复（文字或照片）。
res-answer-sent = 已转达给工作人员，谢谢！
res-relay-answer = 💬 { $who } 回复 #{ $id }：{ $text }
res-question-sent = 已把问题转给 { $who }，答复会回到这张卡片下。
res-ask-how = 请回复这张卡片，以「问居民」开头写下问题。
res-not-residents = #{ $id } 不是居民反映的。
res-gone = #{ $id } 的居民已注销，无法转达。
res-notice-reported = #{ $id }：{ $party } 已报到，正在处理。
res-notice-escalated = #{ $id } 已提交{ $level }协调处理。
res-notice-resolved = ✅ #{ $id } 已处理完毕{ $note }。
res-notice-closed = #{ $id } 已办结。谢谢您的反映！
res-notice-cancelled = #{ $id } 已撤销：{ $reason }
res-ask-solved = #{ $id } 的问题解决了吗？您满意吗？
res-solved-button = ✅ 已解决
res-not-solved-button = ❌ 没解决
res-thanks = 谢谢您的评价！
res-thanks-solved = 谢谢确认，#{ $id } 已办结。
res-explain-prompt = 请说说哪里还没解决，我们会退回重新处理。
res-reopened = 已退回 #{ $id } 重新处理，有进展会告诉您。
res-not-resolved-now = #{ $id } 现在不在待确认状态。
res-state-open = 待处理
res-state-reported = 处理中
res-state-resolved = 已处理，待您确认
res-state-closed = 已办结
res-state-cancelled = 已撤销
res-my-title = <b>我的反映</b>
res-my-line = #{ $id } · { $state } · { $text }
res-my-empty = 您还没有反映过问题。发 /report 开始。
res-my-summoned = <b>我被召集的工单</b>
res-forget-confirm = 将删除您的 Telegram 身份和这里的对话记录。已提交的反映会保留，但不再与您关联，您也不会再收到它们的进展。确定吗？
res-forget-button = 确认删除
res-forgotten = 已删除：您的身份已从 { $orders } 条反映中移除，清除了 { $updates } 条消息记录。
res-forgotten-toast = 已删除
res-forget-nothing = 这里没有您的信息需要删除。
res-help =
    <b>向社区反映问题</b>
    /report 反映一个问题（描述、照片、位置）
    /my 查看我反映的问题
    /cancel 取消正在填写的反映
    /lang 切换语言（zh-Hans / zh-Hant / en）
    /forget 删除我的信息
    紧急情况请拨打 110 / 119 / 120。
res-private-only = 这个命令请在与机器人的私聊中使用。
res-blocked-ok = 已屏蔽 { $who }，其之后的反映将被礼貌拒绝。
res-already-blocked = { $who } 已经被屏蔽。
res-unblocked = 已解除对 { $who } 的屏蔽。
res-not-blocked = { $who } 没有被屏蔽。
res-block-refused = 只有网格长、值班员和管理员可以屏蔽居民。
res-block-usage = 用法：回复居民反映的工单卡片发 /block，或 /unblock 居民编号（例如 /unblock 7）。
