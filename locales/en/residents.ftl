## The private chat with residents: the report dialogue, relay, rating, /my, /forget.

resident-label = Resident #{ $no }
ev-asked-resident = { $name } asked the resident: { $text }
ev-resident-answered = { $name } answered: { $text }{ $photos ->
    [0] {""}
    [one] {" "}(1 photo)
   *[other] {" "}({ $photos } photos)
}
ev-rated = { $name } rated it: { $answer }
ev-followed = { $name } reported the same problem
button-ask-resident = 💬 Ask the resident
res-photos-caption = 📷 #{ $id }: photos from { $who }
res-card-wait = ⏳ Waiting for { $who } to confirm it is solved.
res-resolved-notice =
    ✅ Resolved #{ $id } — { $name } { $time }{ $note }
    { $who } has been asked to confirm it is solved.
rate-solved = solved
rate-not-solved = not solved
rate-satisfied = Satisfied
rate-basic = Fairly satisfied
rate-dissatisfied = Not satisfied

res-welcome =
    Hello! Here you can report a problem in your neighbourhood to the community: street lights, rubbish, noise, manhole covers…
    A grid worker takes it on, and you are told here how it goes.
    ⚠️ In an emergency call 110 (police), 119 (fire) or 120 (ambulance).
res-welcome-unit = Hello! You are reporting a problem to “{ $unit }”. ⚠️ In an emergency call 110 / 119 / 120.
res-unknown-link = The grid of this link was not found; you can still report a problem.
res-start-button = 📝 Report a problem
res-ask-description = Please say in a sentence or two what the problem is. You can add photos (at most { $max }).
res-ask-place = 📍 Where is it? Tap “Send location” below, or type the address (e.g. Lane 100 Huashan Road, No. 3).
res-location-button = 📍 Send location
res-skip-place = Not sure, let me pick
res-place-none = not given
res-got-photos = 📷 Photo received.
res-got-place = 📍 Location received.
res-too-many-photos = At most { $max } photos; the others were not kept.
res-too-long = That is too long (at most { $max } characters); please make it shorter.
res-summary =
    <b>Please check your report</b>
    Problem: { $text }
    Place: { $place }
    Photos: { $photos }
    Goes to: { $unit }
res-confirm-button = ✅ Submit
res-edit-button = ✏️ Change
res-cancel-button = ✖️ Cancel
res-edit-prompt = All right: please send the description and the place again; the photos are kept.
res-cancelled = Cancelled; nothing was submitted. Send /report to start again.
res-nothing-to-cancel = There is no report in progress.
res-submitted = ✅ Submitted as #{ $id }. A grid worker will take it on; you will be told here how it goes. /my shows your reports.
res-submitted-toast = Submitted #{ $id }
res-choose-community = The place did not tell which community it is in. Please choose:
res-choose-grid = Please choose the grid:
res-not-sure = Not sure
res-page-more = More ▸
res-page-back = ◂ Back
res-duplicate =
    A similar problem nearby is already being handled:
    #{ $id } · { $place } · { $state }
    Is it the same problem?
res-join-button = Yes, follow it
res-not-duplicate-button = No, submit mine
res-joined = All right: you will be told how #{ $id } goes.
res-expired = Your unfinished report from before lapsed after 24 hours.
res-limit = You have submitted { $max } reports in 24 hours; please come back later. In an emergency call 110 / 119 / 120.
res-blocked = Sorry, you cannot report through this bot at the moment. Please contact the residents' committee.
res-no-unit-chat = Sorry, reports from this area are not taken online yet. Please contact the residents' committee.
res-stale = This button has expired.
res-question =
    About your report #{ $id }, the grid asks:
    { $text }
    Tap “Reply” and send your answer, or reply to this message.
res-answer-button = 💬 Reply
res-answer-prompt = Please send your answer about #{ $id } (text or a photo).
res-answer-sent = Passed on to the grid. Thank you!
res-relay-answer = 💬 { $who } answered about #{ $id }: { $text }
res-question-sent = Asked { $who }; the answer will come back under this card.
res-ask-how = Reply to this card starting with “ask:” and your question.
res-not-residents = #{ $id } was not reported by a resident.
res-gone = The resident of #{ $id } has left; nothing can be passed on.
res-notice-reported = #{ $id }: { $party } reported for duty and is on it.
res-notice-escalated = #{ $id } went up to the { $level } for coordination.
res-notice-resolved = ✅ #{ $id } was resolved{ $note }.
res-notice-closed = #{ $id } is closed. Thank you for reporting it!
res-notice-cancelled = #{ $id } was withdrawn: { $reason }
res-ask-solved = Is #{ $id } solved? How satisfied are you?
res-solved-button = ✅ Solved
res-not-solved-button = ❌ Not solved
res-thanks = Thank you for your answer!
res-thanks-solved = Thank you: #{ $id } is closed.
res-explain-prompt = Please say what is still wrong; it goes back to the grid.
res-reopened = #{ $id } went back to the grid; you will be told how it goes.
res-not-resolved-now = #{ $id } is not waiting for your confirmation now.
res-state-open = waiting
res-state-reported = being handled
res-state-resolved = resolved, please confirm
res-state-closed = closed
res-state-cancelled = withdrawn
res-my-title = <b>My reports</b>
res-my-line = #{ $id } · { $state } · { $text }
res-my-empty = You have not reported anything yet. Send /report to start.
res-my-summoned = <b>Orders I am summoned to</b>
res-forget-confirm = This removes your Telegram identity and this conversation's records. Your reports stay, but no longer linked to you, and you will not hear how they go. Are you sure?
res-forget-button = Yes, remove me
res-forgotten = Removed: your identity was taken off { $orders } reports, and { $updates } stored messages were cleared.
res-forgotten-toast = Removed
res-forget-nothing = There is nothing of yours here to remove.
res-help =
    <b>Report a problem to the community</b>
    /report report a problem (description, photos, place)
    /my your reports
    /cancel stop the report you are writing
    /lang change language (zh-Hans / zh-Hant / en)
    /forget remove your information
    In an emergency call 110 / 119 / 120.
res-private-only = Please use this command in a private chat with the bot.
res-blocked-ok = { $who } is blocked; their next reports will be politely refused.
res-already-blocked = { $who } is blocked already.
res-unblocked = { $who } is no longer blocked.
res-not-blocked = { $who } is not blocked.
res-block-refused = Only the grid leader, duty officers and admins may block residents.
res-block-usage = Usage: reply /block to the card of a resident's order, or /unblock with the resident's number (e.g. /unblock 7).
