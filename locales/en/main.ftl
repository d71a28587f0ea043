# gridwhistle — English

## command line
cli-imported = Imported: { $created } created, { $updated } updated, { $unchanged } unchanged.
cli-unchanged = No change: the database already matches the file ({ $unchanged } rows).
cli-prune-plan = These are no longer in the file and will be removed:
cli-prune-nothing = Nothing to remove.
cli-prune-confirm = Run again with --yes to remove them.
cli-prune-aborted = Nothing was changed.
cli-removed = Removed: { $what }
cli-migrated = The database schema is up to date.
cli-no-token = No bot token: set the environment variable TELOXIDE_TOKEN.
cli-bad-database = Cannot open the database { $url }: { $error }
cli-cannot-read = Cannot read { $file }: { $error }
cli-file-error = { $file }:{ $line }: { $problem }
cli-empty-org = There is no organisation in the database yet. First run: gridwhistle org import examples/huashan.toml
cli-started = gridwhistle is running and receiving messages. Press Ctrl+C to stop.
cli-stopped = gridwhistle stopped.
show-title = Organisation (time zone { $tz }, default language { $lang })
show-unit = { $name } ({ $id }) · { $kind }
show-chat = chat { $chat }
show-no-chat = no chat bound
show-role-line = { $role }: { $people }
show-departments = Departments
show-department = { $name } ({ $id })
show-handles = keywords: { $words }
show-alliances = Alliance units
show-admins = Admins: { $ids }
show-policy = Deadlines: report within { $ack }, resolve within { $resolve }, verify within { $verify }
show-policy-urgent = Urgent: report within { $ack }, resolve within { $resolve }
level-grid = grid
level-community = community
level-subdistrict = sub-district
level-district = district

## organisation file problems
org-syntax = syntax error: { $detail }
org-duplicate-id = duplicate { $what } id: { $id }
org-unknown-parent = the parent { $parent } of { $id } does not exist
org-parent-kind = { $id } is a { $kind } and needs a { $expected } as parent, but { $parent } is a { $parent_kind }
org-district-parent = { $id } is a district and cannot have a parent
org-cycle = the units form a cycle: { $path }
org-unknown-kind = unknown unit kind { $value } (use district, subdistrict, community or grid)
org-unknown-role = unknown role { $role } (a built-in role or one declared in [[role]])
org-unknown-unit = unknown unit { $id }
org-unknown-department = unknown department { $id }
org-member-scope = each [[member]] needs exactly one of unit, department or alliance
org-unknown-alliance = unknown alliance unit { $id }
org-bad-duration = bad duration { $value } (write e.g. "45s", "30m", "2h", "1d")
org-bad-timezone = unknown time zone { $value } (e.g. "Asia/Shanghai")
org-bad-locale = unknown language { $value } (use zh-Hans, zh-Hant or en)
org-bad-date = bad date { $value } (e.g. "2026-10-01")
org-bad-hours = bad working hours { $value } (e.g. "09:00-18:00")
org-bad-weekday = unknown weekday { $value } (e.g. "mon")
org-role-names = role { $id } needs a name in zh-Hans, zh-Hant and en
org-bad-id = { $what } id { $id } is empty, too long or has characters it may not (1 to 32 of: letters, digits, - and _, what a Telegram link can carry)

## bot
menu-help = What can I do here
menu-whistle = Whistle: start an order
menu-ack = Report for duty: /ack 42
menu-done = Resolved: /done 42 note
menu-verify = Verify: /verify 42
menu-reopen = Reopen: /reopen 42 reason
menu-cancel = Cancel: /cancel 42 reason
menu-list = Open orders here
menu-show = An order and its timeline: /show 42
menu-roster = Who holds which role
menu-assign = Assign a role: /assign sanitation @user
menu-unassign = Remove a role: /unassign sanitation @user
menu-bind = Bind this group: /bind cuihu-1
menu-lang = Language: /lang zh-Hans | zh-Hant | en
unknown-command = Unknown command { $command }. Send /help to see what you can do.
anonymous = Anonymous admins and channels cannot whistle or report. Please turn anonymity off and send it as yourself.
not-bound = This group is not bound to a unit yet. A grid leader, duty officer, liaison or admin can bind it with <code>/bind unit-id</code>, e.g. <code>/bind cuihu-1</code>.
group-only = This command works in a unit's group chat.
need-order-number = Please give the order number, e.g. <code>/show 42</code>, or reply to the order's card.
no-such-order = There is no order #{ $id }.
order-elsewhere = #{ $id } belongs to another unit; please handle it in that unit's chat.
whistle-not-member = { $name }, you are not on this unit's roster yet, so you cannot whistle. Ask the grid leader to reply to one of your messages with <code>/assign role</code>.
whistle-from-department = Departments don't whistle here: whistle in a grid, community or sub-district chat. Departments report and resolve here.
whistle-empty = Please describe the problem, e.g. <code>/whistle rubbish piled up outside No. 12 Yuanxi Rd @sanitation within 2h</code>
due-passed = ⏰ #{ $id }: { $wanted } has already passed, so the usual deadline applies: resolve by { $resolve }.
due-unreadable = ⏰ #{ $id }: I could not read the time “{ $text }”, so the usual deadline applies: resolve by { $resolve }.
due-in-past = ⏰ #{ $id }: “{ $text }” is already over, so the usual deadline applies: resolve by { $resolve }.
button-set-due = { $wanted } has passed · make it { $next }
due-set-ok = ⏰ #{ $id } is now to be resolved by { $time }.
refuse-set-due = Only the whistler, the grid leader or a duty officer can change the deadline of #{ $id }.
whistle-name-department = Please name the departments to summon, e.g. <code>/whistle 城管中队 water: flooding on Yuanxi Rd</code>. Departments: { $departments }
summoned-more =
    📣 #{ $id } also summons:
    { $parties }
    Please report.
card-title = 🔔 Whistle #{ $id } · { $unit }
card-title-urgent = 🔔 Whistle #{ $id } · { $unit } · urgent
card-ack-by = report by { $time }
card-resolve-by = resolve by { $time }
card-whistler = Whistled by { $name }
card-whistler-role = Whistled by { $name } ({ $role })
card-reported = { $name } · reported { $time }
card-resolved = ✅ Resolved — { $name } { $time }{ $note }
card-please-verify = { $whistler }, please verify.
card-closed = 🏁 Closed — verified by { $name } { $time }
card-cancelled = 🚫 Cancelled — { $name } { $time }: { $reason }
card-reopened = ↩️ Reopened: { $reason }
party-duty-officers = { $unit } duty officers
party-vacant = (nobody holds this role; grid leader { $leaders }, please report for it)
party-nobody = (nobody on the roster; an admin should add someone)
button-report = Report
button-resolve = Resolved
button-verify = Verify
button-reopen = Reopen
time-today = { $hm }
time-tomorrow = tomorrow { $hm }
time-date = { $md } { $hm }
span-minutes = { $n ->
    [one] 1 minute
   *[other] { $n } minutes
}
span-hours = { $h } h { $m } min
span-days = { $n ->
    [one] 1 day
   *[other] { $n } days
}
left = { $span } left
overdue-by = overdue by { $span }
refuse-not-summoned = Only the people summoned can report or resolve. Your role: { $roles }.
refuse-not-summoned-generic = Only the people summoned can report.
role-none = not on this unit's roster
refuse-resolved = #{ $id } is resolved and waits for verification; reopen it first to go on.
refuse-closed = #{ $id } is closed.
refuse-cancelled = #{ $id } was cancelled.
refuse-not-resolved = #{ $id } has not been resolved yet, so it cannot be verified or reopened.
refuse-top-level = #{ $id } is already at the district level.
refuse-nothing-to-add = #{ $id } has summoned them already.
refuse-not-whistler = Only the whistler, the grid leader or a duty officer can verify or reopen #{ $id }.
refuse-cancel = Only the whistler, the grid leader or a duty officer can cancel #{ $id }.
refuse-roster = Only the grid leader, a duty officer or an admin can change the roster.
refuse-bind = Only an admin or { $unit }'s grid leader, duty officer or liaison can bind this group.
refuse-lang = Only people on this unit's roster can change this group's language.
reported-ok = ✅ Reported for #{ $id }
already-reported = You reported for #{ $id } at { $time } already.
already-reported-by = { $name } reported for #{ $id } at { $time } already.
resolved-ok = ✅ #{ $id } marked resolved; waiting for verification.
resolved-notice =
    ✅ Resolved #{ $id } — { $name } { $time }{ $note }
    { $whistler }, please verify:
verified-ok = 🏁 #{ $id } verified and closed. Thank you all!
reopen-default-reason = sent back by the whistler: not resolved
reopened-ok = ↩️ #{ $id } reopened; please go on.
reopened-notice =
    ↩️ #{ $id } reopened by { $name }: { $reason }
    { $people }, please go on.
reopen-usage = Please say why, e.g. <code>/reopen 42 rubbish still there</code>
cancel-usage = Please say why, e.g. <code>/cancel 42 duplicate of #41</code>
cancelled-ok = 🚫 #{ $id } cancelled.
note-photo = [photo]
note-recorded = 📝 Added to #{ $id }'s progress.
list-empty = No open orders here.
list-title = Open orders ({ $n })
list-more = …and { $n } more; use /show N.
list-page = Page { $page }/{ $pages } · next: /list { $next }
list-title-all = All orders ({ $n })
order-timeline = Timeline
order-ack-left = ⏰ Report: { $left }
order-resolve-left = ⏳ Resolve: { $left }
actor-system = system
ev-created = { $name } whistled
ev-party-added = summoned { $party }
ev-reported = { $name } reported ({ $party })
ev-note = { $name }: { $text }
ev-resolved = { $name } resolved it{ $note }
ev-verified = { $name } verified it
ev-reopened = { $name } reopened it: { $reason }
ev-cancelled = { $name } cancelled it: { $reason }
ev-escalated = ⬆️ escalated to the { $level }: { $reason }
ev-reminded = ⏰ reminded { $party }
ev-verify-reminded = ⏰ asked { $names } to verify
ev-delivery-failed = ⚠️ a message could not be delivered: { $reason }
ev-resolve-due-set = { $name } set the resolve deadline to { $time }
roster-title = { $unit } roster
roster-vacant = (vacant)
roster-empty = Nobody on the roster yet. Add people with <code>/assign role @user</code>.
assign-usage = Usage: <code>/assign sanitation @username</code>, or reply to the person's message with <code>/assign sanitation</code>.
unassign-usage = Usage: <code>/unassign sanitation @username</code>, or reply to the person's message with <code>/unassign sanitation</code>.
unknown-username = I don't know @{ $username } yet (Telegram doesn't let bots look up usernames). Reply to one of their messages with the command instead.
unknown-role = Unknown role "{ $role }". Roles: grid leader, grid supervisor, enforcement officer, community specialist, sanitation, police, agency liaison, discipline supervisor, section specialist, duty officer, liaison.
assigned = ✅ { $name } is now { $role } of { $unit }.
already-assigned = { $name } is { $role } of { $unit } already.
unassigned = ✅ { $name } is no longer { $role } of { $unit }.
not-assigned = { $name } is not { $role } of { $unit }.
bind-usage = Usage: <code>/bind unit-id</code>, e.g. <code>/bind cuihu-1</code> (ids are in the organisation file).
bind-unknown = There is no unit or department { $id }.
bound = ✅ This group now belongs to { $unit }. Send /help to see how it works.
lang-usage = Usage: <code>/lang zh-Hans</code>, <code>/lang zh-Hant</code> or <code>/lang en</code>
lang-set = OK, this chat is in English from now on.
greeting =
    👋 Hello, I run whistle-and-report here.
    A grid leader, duty officer, liaison or admin can bind this group with <code>/bind unit-id</code>, e.g. <code>/bind cuihu-1</code>.
greeting-bound = 👋 Hello! This group belongs to { $unit }. Send /help to see how it works.
help-private =
    Hello! I run whistle-and-report in the group chats of grids, communities, the sub-district and departments.
    • Send /help in a group to see what you can do there
    • <code>/lang zh-Hans</code> changes the language
help-unbound = This group is not bound yet. A grid leader, duty officer, liaison or admin sends <code>/bind unit-id</code>, e.g. <code>/bind cuihu-1</code>.
help-header = <b>{ $unit } · what you can do here:</b>
help-whistle =
    🔔 <b>Whistle</b>: <code>/whistle rubbish at No. 12 Yuanxi Rd @sanitation urgent by 18:00</code>
    Without a role, keywords decide (rubbish → sanitation, vendors → enforcement, fight → police).
help-whistle-departments =
    🔔 <b>Whistle departments</b>: <code>/whistle 城管中队 水务局 flooding on Yuanxi Rd within 2h</code>
    Name the departments, or describe the problem and keywords route it.
help-report =
    ✅ <b>Report</b>: tap Report on the card, reply "on it" to the card, or <code>/ack 42</code>
    🛠 <b>Resolve</b>: tap Resolved or <code>/done 42 cleared</code>; reply to the card with progress or photos
help-follow = 📋 <code>/list</code> open orders · <code>/show 42</code> timeline · <code>/roster</code> roster
help-close = 🏁 Whistler: <code>/verify 42</code>, <code>/reopen 42 reason</code>, <code>/cancel 42 reason</code>, <code>/escalate 42 reason</code>
help-lead = 👥 <b>Roster</b>: <code>/assign sanitation @user</code> · <code>/unassign sanitation @user</code> (or reply to their message)
help-not-member = You are not on this unit's roster yet: ask the grid leader to reply to your message with <code>/assign role</code>.
help-lang = 🌐 <code>/lang zh-Hans</code> · <code>/lang zh-Hant</code> · <code>/lang en</code>
stale-button = This button is no longer valid.
internal-error = Sorry, something went wrong and nothing was changed. Please try again in a moment.
demo-title = gridwhistle demo · Cuihu Grid 1 (every message is sent by the real bot through a local Bot API stand-in)
demo-whistle = #whistle Rubbish piled up outside No. 12 Yuanxi Rd, street vendors too. Location: No. 12 Yuanxi Rd. Urgent, by 18:00
demo-ack = on it
demo-progress = vendors moved on, waiting for the rubbish truck
demo-done = /done 1 all cleared, rubbish taken away
demo-res-report = The street light outside the Jiangwutang on Cuihu North Rd is out; the pavement is pitch dark at night
demo-res-ask = ask: is there a number on the lamp post?
demo-res-answer = Yes: CH-017, the second post east of the Jiangwutang gate.
demo-res-done = /done 3 lamp head replaced, the street light works again
demo-history = ── History: { $orders } orders of November 2026 written through storage (three grids of the Cuihu and Yuanxi communities of Huashan; some escalated to the sub-district, which whistled district departments; some reported and rated by residents) ──
demo-chart-file = 📁 Chart written to: { $path }
list-sep = , 
note-suffix = : { $note }
why-not-reported = { $parties } did not report in time
why-not-resolved = not resolved in time
why-reopened-twice = reopened twice, still not resolved
escalation-notice =
    ⬆️ #{ $id } escalated from { $from } to { $to }
    Reason: { $reason }
    { $timeline }
    { $people }, please take it over
escalated-at-top = ⬆️ #{ $id } is at the top level ({ $to }): { $reason }
button-take-over = Take over
card-escalated = ⬆️ escalated to { $unit }
reminder = ⏰ #{ $id } reminder: { $party } { $people } please report by { $time } ({ $left })
reminder-private =
    ⏰ #{ $id } · { $unit }: { $text }
    Please report in the group by { $time } ({ $left }).
verify-reminder =
    ⏰ #{ $id } was resolved at { $time } and nobody has verified it yet.
    { $whistler }, please have a look: verify it if it is done, reopen it if not.
verify-ask =
    ⏰ #{ $id } · { $unit }: { $text }
    Resolved at { $time }; the whistler { $whistler } has not verified it. { $people }, please check, then verify or reopen it.
escalate-usage = Please say why, e.g. <code>/escalate 42 needs the sub-district</code>
menu-escalate = Escalate: /escalate 42 reason
refuse-escalate = Only the whistler, the grid leader or a duty officer can escalate #{ $id }.
refuse-department-whistle = Only sub-district duty officers or admins can whistle departments.
department-whistled = 📣 Whistled { $department }
demo-whistle-2 = #whistle Broken manhole cover and flooding on the Cuihu North Rd pavement, street stalls too @enforcement officer
refuse-note = Only people on this unit's roster or summoned to the order can add progress.
org-bad-department-id = department id { $id } is too long or has characters it may not (at most 32: letters, digits, - and _)
org-boundary-ring = the boundary of unit { $id } has { $points } points: a ring needs at least 3 different corners (4 points with the first repeated at the end)
org-boundary-coordinate = the boundary of unit { $id } has a point [{ $lon }, { $lat }] out of range (write [longitude, latitude]: longitude -180 to 180, latitude -90 to 90)
org-boundary-twice = unit { $id } has both boundary and boundary_file; give one
org-boundary-file = the boundary file { $file } of unit { $id } cannot be used: { $detail }
org-boundary-kind = the boundary of unit { $id } is a { $kind }, not an area (use a Polygon or MultiPolygon)
org-resident-limit = { $key } = { $value } in [resident] is out of range ({ $min } to { $max })

# private menu
menu-report = Report a problem to your grid (photos and location welcome)
menu-my = My reports and my orders
menu-forget = Remove my identity from my reports

# retention
org-retention-limit = { $key } = { $value } in [retention] is out of range ({ $min } to { $max } days)
org-retention-word = { $key } = "{ $value }" in [retention] is not one of { $allowed }
cli-pruned = Pruned: { $payloads } update payloads blanked, { $updates } old updates, { $outbox } sent messages, { $jobs } done jobs, { $people } people removed.
# webhook mode and the HTTP server (gridwhistle run)
cli-webhook-url = The webhook URL { $url } cannot be used: Telegram posts only to https:// on port 443, 80, 88 or 8443 (plain http:// and other ports only with a local Bot API server in TELOXIDE_API_URL).
cli-webhook-secret = GRIDWHISTLE_WEBHOOK_SECRET must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -.
cli-webhook-no-listen = --webhook needs --listen ADDRESS:PORT: where the bot receives what the reverse proxy forwards.
cli-bad-listen = Cannot listen on { $addr }: { $detail }
cli-webhook-refused = Telegram did not accept the webhook: { $detail }
# run lock and backup (issue 12)
cli-already-running = Another gridwhistle run is using this database already (lock file { $lock }). Stop it first; org import, migrate, backup and report work beside it.
cli-lock-failed = The lock file { $lock } cannot be opened: { $error }
cli-backup-done = Backed up to { $file }. To restore: stop the bot, put the copy in place of the database file (and remove its -wal and -shm files), start the bot.
cli-backup-exists = { $file } exists already: backup never overwrites a file. Give a new file name.
cli-backup-postgres = backup copies SQLite databases. For PostgreSQL use pg_dump, e.g. pg_dump --format=custom --file=gridwhistle.dump "$DATABASE_URL", and restore with pg_restore --clean --dbname "$DATABASE_URL" gridwhistle.dump.
cli-backup-failed = The backup to { $file } failed: { $error }
