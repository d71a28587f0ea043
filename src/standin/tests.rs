//! Tests of the Bot API stand-in against a real teloxide Bot: every answer must deserialize in
//! teloxide 0.17, invalid requests must be rejected and recorded, builders must produce updates
//! teloxide parses, and each fault must reach teloxide as the matching error. Each test starts
//! its own stand-in on its own port, so they run in parallel; waits are bounded and notified.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use teloxide::payloads::{EditMessageTextSetters, GetUpdatesSetters, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, CallbackQueryId, ChatAction, InlineKeyboardButton, InlineKeyboardMarkup,
    MessageEntityKind, MessageId, ParseMode, ReplyParameters, UpdateKind,
};
use teloxide::{ApiError, RequestError};

use super::*;

const WAIT: Duration = Duration::from_secs(5);
const GROUP: i64 = -1001234567890;

fn keyboard() -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback("接单", "take:1"),
        InlineKeyboardButton::callback("转派", "pass:1"),
    ]])
}

/// Parses an update the way teloxide's polling does (from a string, not from_value).
fn parse_update(update: &Value) -> teloxide::types::Update {
    serde_json::from_str(&update.to_string()).expect("teloxide parses the update")
}

/// Pushes an update and returns it as queued (with its update_id).
fn push_and_parse(standin: &StandIn, update: Value) -> teloxide::types::Update {
    let id = standin.push_update(update);
    let queued = standin
        .pending_updates()
        .into_iter()
        .find(|u| u["update_id"] == json!(id))
        .expect("pushed update is pending");
    let parsed = parse_update(&queued);
    assert!(
        !matches!(parsed.kind, UpdateKind::Error(_)),
        "teloxide could not parse {queued}"
    );
    parsed
}

/// Posts a raw body, for requests teloxide cannot produce (unknown parameters, bad JSON).
async fn post_raw(standin: &StandIn, method: &str, body: &str) -> (u16, Value) {
    let client = teloxide::net::default_reqwest_settings()
        .build()
        .expect("reqwest client");
    let url = format!("{}bot{TOKEN}/{method}", standin.api_url());
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("stand-in answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn sent_message_reports_mention_and_buttons() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let zhang = TgUser::new(42, "张三");
    standin.register_user(&zhang);
    let html = "🚨 <b>吹哨</b> 请 <a href=\"tg://user?id=42\">张三</a> 报到 &lt;3";
    let sent = bot
        .send_message(ChatId(GROUP), html)
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard())
        .await
        .expect("sendMessage succeeds");
    assert_eq!(sent.text(), Some("🚨 吹哨 请 张三 报到 <3"));
    let entities = sent.entities().expect("entities");
    assert!(entities
        .iter()
        .any(|e| matches!(&e.kind, MessageEntityKind::TextMention { user } if user.id.0 == 42)));
    assert!(entities
        .iter()
        .any(|e| e.kind == MessageEntityKind::Bold && e.offset == 3));

    let messages = standin.messages(GROUP);
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.message_id, sent.id.0);
    assert_eq!(message.html, html);
    assert_eq!(message.mentioned_user_ids, vec![42]);
    assert_eq!(
        message.keyboard,
        vec![vec![
            ("接单".to_string(), "take:1".to_string()),
            ("转派".to_string(), "pass:1".to_string())
        ]]
    );

    // A reply embeds the replied message and takes the next id in the chat.
    let reply = bot
        .send_message(ChatId(GROUP), "ok")
        .reply_parameters(ReplyParameters::new(sent.id))
        .await
        .expect("reply succeeds");
    assert_eq!(reply.id.0, sent.id.0 + 1);
    assert_eq!(reply.reply_to_message().map(|m| m.id), Some(sent.id));
    assert_eq!(
        standin.message(GROUP, reply.id.0).unwrap().reply_to,
        Some(sent.id.0)
    );
    assert_eq!(reply.chat.title(), Some(GROUP.to_string().as_str()));
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
}

#[tokio::test]
async fn invalid_requests_are_rejected_and_recorded() {
    let standin = StandIn::start().await;
    let bot = standin.bot();

    let error = bot
        .send_message(ChatId(7), "a < b")
        .parse_mode(ParseMode::Html)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, RequestError::Api(ApiError::CantParseEntities(d)) if d.starts_with("Bad Request: can't parse entities: ")),
        "{error:?}"
    );
    let error = bot.send_message(ChatId(7), "   ").await.unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::MessageTextIsEmpty)),
        "{error:?}"
    );
    let error = bot
        .send_message(ChatId(7), "长".repeat(4097))
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::MessageIsTooLong)),
        "{error:?}"
    );
    let long_data =
        InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("x", "d".repeat(65))]]);
    let error = bot
        .send_message(ChatId(7), "x")
        .reply_markup(long_data)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::ButtonDataInvalid)),
        "{error:?}"
    );

    let (status, body) = post_raw(
        &standin,
        "sendmessage",
        r#"{"chat_id":7,"text":"x","colour":"red"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["ok"], json!(false));
    assert!(
        body["description"].as_str().unwrap().contains("colour"),
        "{body}"
    );
    let (status, _) = post_raw(
        &standin,
        "sendMessage",
        r#"{"chat_id":7,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"a","callbackdata":"b"}]]}}"#,
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post_raw(&standin, "sendMessage", "{not json").await;
    assert_eq!(status, 400);
    let (status, _) = post_raw(&standin, "sendMessagez", "{}").await;
    assert_eq!(status, 404);

    let violations = standin.violations();
    assert_eq!(violations.len(), 8, "{violations:#?}");
    assert_eq!(violations[0].method, "sendMessage");
    assert!(standin.messages(7).is_empty());
    // The method name is normalised to its spec spelling in the call log.
    assert!(standin
        .calls()
        .iter()
        .any(|c| c.method == "sendMessage" && c.params["colour"] == "red"));
}

#[tokio::test]
async fn edits_replace_text_and_report_not_modified() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let sent = bot
        .send_message(ChatId(GROUP), "旧")
        .reply_markup(keyboard())
        .await
        .unwrap();
    let edited = bot
        .edit_message_text(ChatId(GROUP), sent.id, "<i>新</i>")
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard())
        .await
        .expect("edit succeeds");
    assert_eq!(edited.text(), Some("新"));
    let state = standin.message(GROUP, sent.id.0).unwrap();
    assert_eq!((state.text.as_str(), state.edit_count), ("新", 1));
    assert_eq!(state.keyboard.len(), 1);

    let error = bot
        .edit_message_text(ChatId(GROUP), sent.id, "<i>新</i>")
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard())
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::MessageNotModified)),
        "{error:?}"
    );
    assert_eq!(standin.not_modified_count(), 1);
    assert!(standin.violations().is_empty());

    // Without reply_markup the keyboard goes away, as on Telegram.
    bot.edit_message_reply_markup(ChatId(GROUP), sent.id)
        .await
        .unwrap();
    assert!(standin
        .message(GROUP, sent.id.0)
        .unwrap()
        .keyboard
        .is_empty());

    let error = bot
        .edit_message_text(ChatId(GROUP), MessageId(999), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::MessageToEditNotFound)),
        "{error:?}"
    );
    assert_eq!(standin.violations().len(), 1);
}

#[tokio::test]
async fn long_poll_returns_pushed_update_promptly_and_confirms_by_offset() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let user = TgUser::new(42, "张三");
    let group = TgChat::new(GROUP, "网格一群");

    let poll = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(20).await }
    });
    assert!(
        standin
            .wait_until(|s| s.calls_to("getUpdates").len() == 1, WAIT)
            .await
    );
    let started = Instant::now();
    let id = standin.push_update(standin.group_text(&group, &user, "/whistle 路灯坏了"));
    let updates = tokio::time::timeout(WAIT, poll)
        .await
        .expect("poll answered")
        .unwrap()
        .expect("getUpdates succeeds");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(updates.len(), 1);
    assert_eq!(i64::from(updates[0].id.0), id);

    // Not confirmed yet: the same update again.
    let again = bot.get_updates().offset(id as i32).await.unwrap();
    assert_eq!(again.len(), 1);
    let after = bot.get_updates().offset(id as i32 + 1).await.unwrap();
    assert!(after.is_empty());
    assert_eq!(standin.confirmed_offset(), id + 1);
    assert_eq!(standin.offsets_seen(), vec![id, id + 1]);
    assert!(standin.pending_updates().is_empty());

    // An explicit update_id is kept, and later ids continue after it.
    let explicit = standin.push_update(
        json!({"update_id": 5000, "message": standin.private_text(&user, "hi")["message"]}),
    );
    assert_eq!(explicit, 5000);
    assert_eq!(
        standin.push_update(standin.private_text(&user, "again")),
        5001
    );
}

#[tokio::test]
async fn builders_produce_updates_teloxide_parses() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let zhang = TgUser::new(42, "张三")
        .with_username("zhangsan")
        .with_language("zh-hans");
    let li = TgUser::new(43, "李四").with_last_name("Li");
    let group = TgChat::new(GROUP, "网格一群");
    let basic = TgChat::new(-4008338308, "楼栋群");

    let command = push_and_parse(
        &standin,
        standin.group_text(&group, &zhang, "/whistle@gridwhistle_bot 找 @wangwu_x"),
    );
    let UpdateKind::Message(message) = &command.kind else {
        panic!("message")
    };
    let kinds: Vec<_> = message
        .entities()
        .unwrap()
        .iter()
        .map(|e| e.kind.clone())
        .collect();
    assert_eq!(
        kinds,
        vec![MessageEntityKind::BotCommand, MessageEntityKind::Mention]
    );
    assert_eq!(message.chat.title(), Some("网格一群"));

    let mention = push_and_parse(
        &standin,
        standin.group_text_with_mentions(&group, &zhang, "吹哨 李四 报到", &[("李四", &li)]),
    );
    let UpdateKind::Message(message) = &mention.kind else {
        panic!("message")
    };
    let entity = &message.entities().unwrap()[0];
    assert!(matches!(&entity.kind, MessageEntityKind::TextMention { user } if user.id.0 == 43));
    assert_eq!((entity.offset, entity.length), (3, 2));

    let private = push_and_parse(&standin, standin.private_text(&zhang, "你好"));
    let UpdateKind::Message(message) = &private.kind else {
        panic!("message")
    };
    assert!(message.chat.is_private());
    assert_eq!(message.chat.id.0, 42);

    let sent = bot
        .send_message(ChatId(GROUP), "请选择")
        .reply_markup(keyboard())
        .await
        .unwrap();
    let reply = push_and_parse(
        &standin,
        standin.reply(&group, &li, sent.id.0, "收到").unwrap(),
    );
    let UpdateKind::Message(message) = &reply.kind else {
        panic!("message")
    };
    let replied = message.reply_to_message().expect("reply_to_message");
    assert_eq!(replied.id, sent.id);
    assert!(replied.from.as_ref().unwrap().is_bot);
    assert!(replied.reply_markup().is_some());
    // Ids of incoming and bot messages come from one counter per chat.
    assert_eq!(message.id.0, sent.id.0 + 1);

    let first = push_and_parse(&standin, standin.group_text(&group, &zhang, "原话"));
    let UpdateKind::Message(original) = &first.kind else {
        panic!("message")
    };
    let user_reply = push_and_parse(
        &standin,
        standin.reply(&group, &li, original.id.0, "同意").unwrap(),
    );
    let UpdateKind::Message(message) = &user_reply.kind else {
        panic!("message")
    };
    assert_eq!(message.reply_to_message().unwrap().text(), Some("原话"));
    assert!(standin.reply(&group, &li, 9999, "x").is_none());

    let photo = push_and_parse(
        &standin,
        standin.photo(&group, &zhang, Some("井盖 @wangwu_x")),
    );
    let UpdateKind::Message(message) = &photo.kind else {
        panic!("message")
    };
    assert_eq!(message.photo().unwrap().len(), 3);
    assert_eq!(message.caption(), Some("井盖 @wangwu_x"));
    assert_eq!(message.caption_entities().unwrap().len(), 1);

    let location = push_and_parse(
        &standin,
        standin.location(&TgChat::private(&zhang), &zhang, 39.9, 116.4),
    );
    let UpdateKind::Message(message) = &location.kind else {
        panic!("message")
    };
    assert!((message.location().unwrap().latitude - 39.9).abs() < 1e-9);

    let press = push_and_parse(
        &standin,
        standin.press_button(GROUP, &li, sent.id.0, "转派").unwrap(),
    );
    let UpdateKind::CallbackQuery(query) = &press.kind else {
        panic!("callback")
    };
    assert_eq!(query.data.as_deref(), Some("pass:1"));
    assert_eq!(query.message.as_ref().unwrap().id(), sent.id);
    assert!(!query.chat_instance.is_empty());

    for (update, old, new) in [
        (standin.bot_added(&basic, &zhang), "left", "member"),
        (standin.bot_kicked(&group, &zhang), "member", "kicked"),
        (standin.bot_blocked(&li), "member", "kicked"),
        (
            standin.my_chat_member(&basic, &zhang, "member", "administrator"),
            "member",
            "administrator",
        ),
    ] {
        let parsed = push_and_parse(&standin, update);
        let UpdateKind::MyChatMember(change) = &parsed.kind else {
            panic!("my_chat_member")
        };
        // teloxide names Telegram's "kicked" status Banned.
        let status = |member: &teloxide::types::ChatMember| {
            format!("{:?}", member.status())
                .to_lowercase()
                .replace("banned", "kicked")
        };
        assert_eq!(status(&change.old_chat_member), old);
        assert_eq!(status(&change.new_chat_member), new);
        assert!(change.new_chat_member.user.is_bot);
    }

    let joined = push_and_parse(
        &standin,
        standin.new_chat_members(&basic, &zhang, &[TgUser::bot(), li.clone()]),
    );
    let UpdateKind::Message(message) = &joined.kind else {
        panic!("message")
    };
    assert_eq!(message.new_chat_members().unwrap().len(), 2);
    assert!(message.chat.is_group());

    let migrated = push_and_parse(
        &standin,
        standin.migrate_to_supergroup(&basic, -1009999, &zhang),
    );
    let UpdateKind::Message(message) = &migrated.kind else {
        panic!("message")
    };
    assert_eq!(message.migrate_to_chat_id(), Some(&ChatId(-1009999)));
    let migrated_from = push_and_parse(
        &standin,
        standin.migrate_from_group(&TgChat::new(-1009999, "楼栋群"), basic.id, &zhang),
    );
    let UpdateKind::Message(message) = &migrated_from.kind else {
        panic!("message")
    };
    assert_eq!(message.migrate_from_chat_id(), Some(&ChatId(basic.id)));

    let edited = push_and_parse(
        &standin,
        standin.edited(&group, &zhang, original.id.0, "原话（改）"),
    );
    let UpdateKind::EditedMessage(message) = &edited.kind else {
        panic!("edited")
    };
    assert_eq!(message.text(), Some("原话（改）"));
    assert!(message.edit_date().is_some());

    let forwarded = push_and_parse(&standin, standin.forwarded(&group, &zhang, &li, "转发内容"));
    let UpdateKind::Message(message) = &forwarded.kind else {
        panic!("message")
    };
    assert!(message.forward_origin().is_some());

    let anonymous = push_and_parse(
        &standin,
        standin.anonymous_admin_text(&group, "/whistle 管理员"),
    );
    let UpdateKind::Message(message) = &anonymous.kind else {
        panic!("message")
    };
    assert_eq!(
        message.sender_chat.as_ref().map(|c| c.id),
        Some(ChatId(GROUP))
    );
    assert_eq!(
        message.from.as_ref().map(|u| u.id.0),
        Some(ANONYMOUS_ADMIN_ID as u64)
    );

    // All of them were served by getUpdates in one batch that teloxide parsed.
    let served = bot.get_updates().await.unwrap();
    assert_eq!(served.len(), standin.pending_updates().len());
    assert!(served
        .iter()
        .all(|u| !matches!(u.kind, UpdateKind::Error(_))));
}

#[tokio::test]
async fn callback_answers_become_toasts() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let li = TgUser::new(43, "李四");
    let sent = bot
        .send_message(ChatId(GROUP), "请选择")
        .reply_markup(keyboard())
        .await
        .unwrap();
    let update = standin.press_button(GROUP, &li, sent.id.0, "接单").unwrap();
    let query_id = update["callback_query"]["id"].as_str().unwrap().to_string();
    standin.push_update(update);
    bot.answer_callback_query(CallbackQueryId(query_id.clone()))
        .text("已接单")
        .await
        .unwrap();
    assert_eq!(
        standin.toasts(),
        vec![(query_id.clone(), Some("已接单".to_string()), false)]
    );
    // A second answer to the same query is refused, as by Telegram.
    let error = bot
        .answer_callback_query(CallbackQueryId(query_id))
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::InvalidQueryId)),
        "{error:?}"
    );
    assert_eq!(standin.violations().len(), 1);
}

#[tokio::test]
async fn other_methods_answer_like_telegram() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let me = bot.get_me().await.unwrap();
    assert_eq!(me.username(), BOT_USERNAME);
    assert_eq!(me.id.0 as i64, BOT_ID);
    bot.delete_webhook().await.unwrap();
    bot.set_my_commands([BotCommand::new("whistle", "吹哨")])
        .await
        .unwrap();
    assert_eq!(standin.my_commands("default", "")[0]["command"], "whistle");
    bot.delete_my_commands().await.unwrap();
    assert!(standin.my_commands("default", "").is_empty());
    bot.send_chat_action(ChatId(GROUP), ChatAction::Typing)
        .await
        .unwrap();
    standin.register_chat(&TgChat::new(GROUP, "网格一群"));
    let chat = bot.get_chat(ChatId(GROUP)).await.unwrap();
    assert_eq!(chat.title(), Some("网格一群"));
    let private = bot.get_chat(ChatId(42)).await.unwrap();
    assert!(private.is_private());
    let error = bot
        .set_my_commands([BotCommand::new("Bad Name", "x")])
        .await
        .unwrap_err();
    assert!(matches!(error, RequestError::Api(_)));
    // A method whose result the stand-in cannot make up is an error, not a fake success.
    let error = bot
        .get_chat_administrators(ChatId(GROUP))
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::Unknown(_))),
        "{error:?}"
    );
    assert_eq!(standin.violations().len(), 2);
}

#[tokio::test]
async fn faults_reach_teloxide_as_the_matching_errors() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    bot.get_me().await.unwrap(); // a pooled keep-alive connection exists from here on

    standin.inject(Some("getme"), Fault::TooManyRequests { retry_after: 7 }, 1);
    let error = bot.get_me().await.unwrap_err();
    assert!(
        matches!(error, RequestError::RetryAfter(s) if s.seconds() == 7),
        "{error:?}"
    );

    standin.inject(None, Fault::DropConnection, 1);
    let error = bot.get_me().await.unwrap_err();
    assert!(matches!(error, RequestError::Network(_)), "{error:?}");

    standin.inject(
        Some("sendMessage"),
        Fault::Api {
            code: 403,
            description: "Forbidden: bot was blocked by the user".to_string(),
        },
        2,
    );
    for _ in 0..2 {
        let error = bot.send_message(ChatId(42), "hi").await.unwrap_err();
        assert!(
            matches!(error, RequestError::Api(ApiError::BotBlocked)),
            "{error:?}"
        );
    }
    assert!(
        standin.messages(42).is_empty(),
        "faulted requests are not applied"
    );
    bot.send_message(ChatId(42), "hi")
        .await
        .expect("after the faults");
    bot.get_me().await.expect("after the faults");

    standin.set_chat_migrated(-4008338308, -1004008338308);
    let error = bot
        .send_message(ChatId(-4008338308), "hi")
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::MigrateToChatId(ChatId(-1004008338308))),
        "{error:?}"
    );

    let faults: Vec<_> = standin
        .calls()
        .into_iter()
        .filter(|c| matches!(c.outcome, CallOutcome::Fault(_)))
        .collect();
    assert_eq!(faults.len(), 4);
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
}

#[tokio::test]
async fn bad_gateway_page_is_invalid_json_to_teloxide() {
    // teloxide sleeps 10 s after any 5xx before reading the body; this test pays that once.
    let standin = StandIn::start().await;
    let bot = standin.bot();
    standin.inject(Some("getMe"), Fault::BadGatewayHtml, 1);
    let error = bot.get_me().await.unwrap_err();
    assert!(
        matches!(&error, RequestError::InvalidJson { raw, .. } if raw.contains("502 Bad Gateway")),
        "{error:?}"
    );
    bot.get_me().await.expect("after the fault");
}

#[tokio::test]
async fn teloxide_dispatcher_polls_and_replies() {
    use teloxide::update_listeners::Polling;
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let handler = Update::filter_message().endpoint(|bot: Bot, message: Message| async move {
        let text = format!("<b>{}</b>", message.text().unwrap_or(""));
        bot.send_message(message.chat.id, text)
            .parse_mode(ParseMode::Html)
            .reply_parameters(ReplyParameters::new(message.id))
            .await?;
        respond(())
    });
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler).build();
    let shutdown = dispatcher.shutdown_token();
    let listener = Polling::builder(bot)
        .timeout(Duration::from_secs(1))
        .build();
    let task = tokio::spawn(async move {
        dispatcher
            .dispatch_with_listener(listener, LoggingErrorHandler::new())
            .await
    });
    let group = TgChat::new(GROUP, "网格一群");
    let user = TgUser::new(42, "张三");
    for text in ["一", "二"] {
        standin.push_update(standin.group_text(&group, &user, text));
    }
    assert!(
        standin
            .wait_until(|s| s.messages(GROUP).len() == 2, WAIT)
            .await
    );
    assert!(
        standin
            .wait_until(|s| s.pending_updates().is_empty(), WAIT)
            .await
    );
    let replies = standin.messages(GROUP);
    assert_eq!(replies[0].text, "一");
    assert!(replies.iter().all(|m| m.reply_to.is_some()));
    if let Ok(done) = shutdown.shutdown() {
        let _ = tokio::time::timeout(WAIT, done).await;
    }
    let _ = tokio::time::timeout(WAIT, task).await;
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
}

#[tokio::test]
async fn transcript_reads_like_a_chat_log() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let group = TgChat::new(GROUP, "网格一群");
    let zhang = TgUser::new(42, "张三");
    standin.register_user(&zhang);
    standin.push_update(standin.group_text(&group, &zhang, "/whistle 路灯坏了"));
    let sent = bot
        .send_message(
            ChatId(GROUP),
            "收到 <a href=\"tg://user?id=42\">张三</a>\n第二行",
        )
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard())
        .await
        .unwrap();
    let press = standin
        .press_button(GROUP, &zhang, sent.id.0, "接单")
        .unwrap();
    let query_id = press["callback_query"]["id"].as_str().unwrap().to_string();
    standin.push_update(press);
    bot.answer_callback_query(CallbackQueryId(query_id))
        .text("已接单")
        .await
        .unwrap();
    bot.edit_message_text(ChatId(GROUP), sent.id, "已派单")
        .await
        .unwrap();

    let mut titles = HashMap::new();
    titles.insert(GROUP, "一号网格".to_string());
    let transcript = standin.transcript(&titles);
    let expected = format!(
        "── 一号网格 ──\n💬 张三 #1: /whistle 路灯坏了\n🤖 #2: 收到 @张三\n   第二行\n   [ 接单 ] [ 转派 ]\n🔘 张三 → #2 [ 接单 ]\n   💭 已接单\n✏️🤖 #{}: 已派单\n",
        sent.id.0
    );
    assert_eq!(transcript, expected);
}

#[tokio::test]
async fn shutdown_ends_a_waiting_long_poll_and_a_newer_poll_supersedes_an_older_one() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let older = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(20).await }
    });
    assert!(
        standin
            .wait_until(|s| s.calls_to("getUpdates").len() == 1, WAIT)
            .await
    );
    let newer = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(20).await }
    });
    // Telegram ends the older request with 409 Conflict when a second one arrives.
    let error = tokio::time::timeout(WAIT, older)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            error,
            RequestError::Api(ApiError::TerminatedByOtherGetUpdates)
        ),
        "{error:?}"
    );
    let started = Instant::now();
    standin.shutdown();
    let updates = tokio::time::timeout(WAIT, newer)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(updates.is_empty());
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// The description the stand-in answered the last call to `method` with.
fn last_error(standin: &StandIn, method: &str) -> String {
    match standin.calls_to(method).last().map(|c| c.outcome.clone()) {
        Some(CallOutcome::Error(description)) => description,
        other => panic!("last {method} did not fail: {other:?}"),
    }
}

#[tokio::test]
async fn text_length_counts_utf16_units_after_parsing() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    // 😀 is outside the BMP: two UTF-16 code units, so 2,048 of them fill 4,096.
    let full = "😀".repeat(2048);
    let sent = bot
        .send_message(ChatId(GROUP), full.clone())
        .await
        .expect("4,096 UTF-16 units are accepted");
    let error = bot
        .send_message(ChatId(GROUP), format!("{full}😀"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::MessageIsTooLong)),
        "{error:?}"
    );
    assert_eq!(
        last_error(&standin, "sendMessage"),
        "Bad Request: message is too long"
    );

    let short = bot.send_message(ChatId(GROUP), "短").await.unwrap();
    bot.edit_message_text(ChatId(GROUP), short.id, full.clone())
        .await
        .expect("an edit to 4,096 UTF-16 units is accepted");
    let error = bot
        .edit_message_text(ChatId(GROUP), sent.id, format!("😀{full}"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::MessageIsTooLong)),
        "{error:?}"
    );
    assert_eq!(
        last_error(&standin, "editMessageText"),
        "Bad Request: message is too long"
    );

    // Markup does not count: 4,096 escaped '&' in bold are 20,000+ bytes of HTML but 4,096
    // units of text.
    let html = format!("<b>{}</b>", "&amp;".repeat(4096));
    let sent = bot
        .send_message(ChatId(GROUP), html)
        .parse_mode(ParseMode::Html)
        .await
        .expect("long markup, text within the limit");
    assert_eq!(sent.text().map(utf16_len), Some(4096));
    let html = format!("<i>{}</i>", "&lt;".repeat(4097));
    let error = bot
        .send_message(ChatId(GROUP), html)
        .parse_mode(ParseMode::Html)
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::MessageIsTooLong)),
        "{error:?}"
    );
    assert_eq!(standin.violations().len(), 3);
}

/// A real PNG (8-bit grey, stored deflate blocks) of the given size.
fn png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        let crc = crc32(&out[start..]);
        out.extend(crc.to_be_bytes());
    }
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter: none
        raw.extend((0..width).map(|x| ((x + y) % 256) as u8));
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (index, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(index + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend(len.to_le_bytes());
        zlib.extend((!len).to_le_bytes());
        zlib.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend(((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    header.extend([8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn media_kind(message: &Message) -> &teloxide::types::MediaKind {
    match &message.kind {
        teloxide::types::MessageKind::Common(common) => &common.media_kind,
        other => panic!("not a common message: {other:?}"),
    }
}

#[tokio::test]
async fn send_photo_uploads_bytes_and_reuses_file_ids() {
    use teloxide::payloads::SendPhotoSetters;
    use teloxide::types::InputFile;
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let zhang = TgUser::new(42, "张三");
    standin.register_user(&zhang);
    let image = png(400, 300);
    let sent = bot
        .send_photo(
            ChatId(GROUP),
            InputFile::memory(image.clone()).file_name("site.png"),
        )
        .caption("<b>现场</b> <a href=\"tg://user?id=42\">张三</a>")
        .parse_mode(ParseMode::Html)
        .reply_markup(keyboard())
        .await
        .expect("sendPhoto with an upload succeeds");
    let sizes = sent.photo().expect("a photo message");
    let dims: Vec<(u32, u32)> = sizes.iter().map(|s| (s.width, s.height)).collect();
    assert_eq!(dims, vec![(90, 67), (320, 240), (400, 300)]);
    assert_eq!(sent.caption(), Some("现场 张三"));
    assert_eq!(sent.caption_entities().map(<[_]>::len), Some(2));

    let stored = standin.message(GROUP, sent.id.0).unwrap();
    assert_eq!(stored.text, "现场 张三");
    assert_eq!(stored.mentioned_user_ids, vec![42]);
    assert_eq!(stored.keyboard.len(), 1);
    let photo = stored.photo.expect("recorded as a photo");
    assert_eq!(photo.sizes, 3);
    assert_eq!(photo.file_id, sizes[2].file.id.0);
    let PhotoSource::Upload(upload) = &photo.source else {
        panic!("{:?}", photo.source)
    };
    assert_eq!(upload.len, image.len());
    assert!(upload.head.starts_with(PNG_SIGNATURE));
    assert_eq!(upload.file_name.as_deref(), Some("site.png"));

    // Sending it again by file_id gives the same sizes; teloxide still sends multipart.
    let again = bot
        .send_photo(ChatId(42), InputFile::file_id(sizes[1].file.id.clone()))
        .await
        .expect("a known file_id");
    assert_eq!(again.photo().unwrap().len(), 3);
    let photo = standin.message(42, again.id.0).unwrap().photo.unwrap();
    assert_eq!(
        photo.source,
        PhotoSource::FileId(sizes[1].file.id.0.clone())
    );

    // A user's photo can be sent on by file_id, here in a JSON body.
    let group = TgChat::new(GROUP, "网格一群");
    let update = standin.photo(&group, &zhang, None);
    let file_id = update["message"]["photo"][2]["file_id"]
        .as_str()
        .unwrap()
        .to_string();
    standin.push_update(update);
    let body = json!({"chat_id": 42, "photo": file_id, "caption": "转发"}).to_string();
    let (status, answer) = post_raw(&standin, "sendPhoto", &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["result"]["photo"][2]["file_id"], json!(file_id));

    let error = bot
        .send_photo(ChatId(42), InputFile::file_id("AgACAgNoSuchFile".into()))
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::WrongFileIdOrUrl)),
        "{error:?}"
    );
    let error = bot
        .send_photo(
            ChatId(42),
            InputFile::memory(&b"%PDF-1.4 not a picture"[..]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::ImageProcessFailed)),
        "{error:?}"
    );
    let mut absurd = png(1, 1)[..16].to_vec();
    absurd.extend(20_000u32.to_be_bytes());
    absurd.extend(10u32.to_be_bytes());
    bot.send_photo(ChatId(42), InputFile::memory(absurd))
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "sendPhoto"),
        "Bad Request: PHOTO_INVALID_DIMENSIONS"
    );
    let (status, answer) = post_raw(
        &standin,
        "sendPhoto",
        r#"{"chat_id":42,"photo":"attach://nothing"}"#,
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(standin.violations().len(), 4);
    let transcript = standin.transcript(&HashMap::new());
    assert!(transcript.contains("🖼️ 现场 @张三"), "{transcript}");
}

#[tokio::test]
async fn captions_count_utf16_units_for_send_and_edit() {
    use teloxide::payloads::{EditMessageCaptionSetters, SendPhotoSetters};
    use teloxide::types::{InputFile, InputMedia, InputMediaPhoto};
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let image = png(64, 48);
    let full = "😀".repeat(512);
    let sent = bot
        .send_photo(ChatId(42), InputFile::memory(image.clone()))
        .caption(full.clone())
        .await
        .expect("1,024 UTF-16 units of caption are accepted");
    bot.send_photo(ChatId(42), InputFile::memory(image.clone()))
        .caption(format!("{full}😀"))
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "sendPhoto"),
        "Bad Request: message caption is too long"
    );
    // Markup is not counted: 1,024 '<' written as "&lt;" in italics.
    bot.send_photo(ChatId(42), InputFile::memory(image.clone()))
        .caption(format!("<i>{}</i>", "&lt;".repeat(1024)))
        .parse_mode(ParseMode::Html)
        .await
        .expect("long markup, caption within the limit");

    bot.edit_message_caption(ChatId(42), sent.id)
        .caption(format!("短{}", "😀".repeat(511)))
        .await
        .expect("an edit to 1,023 units");
    bot.edit_message_caption(ChatId(42), sent.id)
        .caption(format!("短{full}"))
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "editMessageCaption"),
        "Bad Request: message caption is too long"
    );
    assert_eq!(
        standin.message(42, sent.id.0).unwrap().text,
        format!("短{}", "😀".repeat(511))
    );

    // Each album item's caption is held to the same limit.
    let item = |caption: String| {
        InputMedia::Photo(InputMediaPhoto::new(InputFile::memory(image.clone())).caption(caption))
    };
    bot.send_media_group(ChatId(42), [item(full.clone()), item(String::new())])
        .await
        .expect("album captions within the limit");
    bot.send_media_group(ChatId(42), [item(full.clone()), item(format!("{full}😀"))])
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "sendMediaGroup"),
        "Bad Request: message caption is too long"
    );

    // A text message has no caption to edit, a photo no text.
    let text = bot.send_message(ChatId(42), "文字").await.unwrap();
    bot.edit_message_caption(ChatId(42), text.id)
        .caption("x")
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "editMessageCaption"),
        "Bad Request: there is no caption in the message to edit"
    );
    bot.edit_message_text(ChatId(42), sent.id, "x")
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "editMessageText"),
        "Bad Request: there is no text in the message to edit"
    );
    assert_eq!(standin.violations().len(), 5);
}

#[tokio::test]
async fn media_group_sends_an_album_sharing_one_group_id() {
    use teloxide::types::{InputFile, InputMedia, InputMediaPhoto, InputMediaVideo};
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let first = bot
        .send_photo(ChatId(GROUP), InputFile::memory(png(32, 32)))
        .await
        .unwrap();
    let known = first.photo().unwrap()[0].file.id.clone();
    let media = vec![
        InputMedia::Photo(
            InputMediaPhoto::new(InputFile::memory(png(640, 480)))
                .caption("<b>整改前</b>")
                .parse_mode(ParseMode::Html),
        ),
        InputMedia::Photo(InputMediaPhoto::new(InputFile::memory(png(480, 640)))),
        InputMedia::Photo(InputMediaPhoto::new(InputFile::file_id(known.clone()))),
    ];
    let album = bot
        .send_media_group(ChatId(GROUP), media)
        .reply_parameters(ReplyParameters::new(first.id))
        .await
        .expect("sendMediaGroup succeeds");
    assert_eq!(album.len(), 3);
    let group_id = album[0].media_group_id().cloned().expect("media_group_id");
    assert!(album
        .iter()
        .all(|m| m.media_group_id() == Some(&group_id) && m.photo().is_some()));
    let ids: Vec<i32> = album.iter().map(|m| m.id.0).collect();
    assert_eq!(ids, vec![first.id.0 + 1, first.id.0 + 2, first.id.0 + 3]);
    assert_eq!(album[0].caption(), Some("整改前"));
    assert!(album[1].caption().is_none());
    assert_eq!(album[2].photo().unwrap()[0].file.id, known);
    assert!(album.iter().all(|m| m.reply_to_message().is_some()));

    // Each item is a message of its own in the chat (and would count as one against a
    // group's rate limit).
    let stored = standin.messages(GROUP);
    assert_eq!(stored.len(), 4);
    assert!(stored[1..]
        .iter()
        .all(|m| m.media_group_id.as_deref() == Some(group_id.0.as_str())));
    let transcript = standin.transcript(&HashMap::new());
    assert!(transcript.contains("🖼️🗂️ 整改前"), "{transcript}");

    let photo = || InputMedia::Photo(InputMediaPhoto::new(InputFile::file_id(known.clone())));
    bot.send_media_group(ChatId(GROUP), [photo()])
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "sendMediaGroup"),
        "Bad Request: media must include 2-10 items"
    );
    let error = bot
        .send_media_group(ChatId(GROUP), (0..11).map(|_| photo()))
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::TooMuchMessages)),
        "{error:?}"
    );
    let video = InputMedia::Video(InputMediaVideo::new(InputFile::file_id("BAACvideo".into())));
    bot.send_media_group(ChatId(GROUP), [photo(), video])
        .await
        .unwrap_err();
    assert_eq!(standin.violations().len(), 3);
    assert_eq!(
        standin.messages(GROUP).len(),
        4,
        "failed albums post nothing"
    );
}

#[tokio::test]
async fn copy_message_copies_content_without_a_forward_header() {
    use teloxide::payloads::CopyMessageSetters;
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let group = TgChat::new(GROUP, "网格一群");
    let zhang = TgUser::new(42, "张三");
    let li = TgUser::new(43, "李四");
    let forwarded = standin.forwarded(&group, &zhang, &li, "井盖丢了 @wangwu_x");
    let source_id = forwarded["message"]["message_id"].as_i64().unwrap() as i32;
    standin.push_update(forwarded);

    let copy = bot
        .copy_message(ChatId(42), ChatId(GROUP), MessageId(source_id))
        .await
        .expect("copyMessage succeeds");
    let stored = standin.message(42, copy.0).expect("the copy is recorded");
    assert_eq!(stored.text, "井盖丢了 @wangwu_x");
    assert_eq!(stored.entities.len(), 1);
    assert_eq!(stored.copied_from, Some((GROUP, source_id)));
    // The copy, as a user's reply shows it, has no forward header and comes from the bot.
    let reply = standin
        .reply(&TgChat::private(&zhang), &zhang, copy.0, "好")
        .unwrap();
    let parsed = push_and_parse(&standin, reply);
    let UpdateKind::Message(message) = &parsed.kind else {
        panic!("message")
    };
    let copied = message.reply_to_message().unwrap();
    assert!(copied.forward_origin().is_none());
    assert!(copied.from.as_ref().unwrap().is_bot);
    assert_eq!(copied.text(), Some("井盖丢了 @wangwu_x"));

    // A photo keeps its sizes and takes a new caption.
    let photo = standin.photo(&group, &zhang, Some("原说明"));
    let photo_id = photo["message"]["message_id"].as_i64().unwrap() as i32;
    standin.push_update(photo);
    let copy = bot
        .copy_message(ChatId(42), ChatId(GROUP), MessageId(photo_id))
        .caption("<b>新</b>说明")
        .parse_mode(ParseMode::Html)
        .await
        .unwrap();
    let stored = standin.message(42, copy.0).unwrap();
    assert_eq!(stored.text, "新说明");
    assert_eq!(stored.photo.as_ref().map(|p| p.sizes), Some(3));
    let transcript = standin.transcript(&HashMap::new());
    assert!(transcript.contains("📋 🖼️ 新说明"), "{transcript}");

    let error = bot
        .copy_message(ChatId(42), ChatId(GROUP), MessageId(9999))
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::MessageToCopyNotFound)),
        "{error:?}"
    );
    let joined = standin.new_chat_members(&group, &zhang, std::slice::from_ref(&li));
    let service_id = joined["message"]["message_id"].as_i64().unwrap() as i32;
    standin.push_update(joined);
    bot.copy_message(ChatId(42), ChatId(GROUP), MessageId(service_id))
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "copyMessage"),
        "Bad Request: message can't be copied"
    );
    assert_eq!(standin.violations().len(), 2);
}

#[tokio::test]
async fn reply_keyboards_are_validated_and_tracked() {
    use teloxide::types::{ButtonRequest, KeyboardButton, KeyboardMarkup, KeyboardRemove};
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let zhang = TgUser::new(42, "张三");
    standin.register_user(&zhang);
    let ask_location = KeyboardMarkup::new([
        vec![KeyboardButton::new("发送位置").request(ButtonRequest::Location)],
        vec![KeyboardButton::new("取消")],
    ])
    .resize_keyboard()
    .one_time_keyboard();
    let sent = bot
        .send_message(ChatId(42), "请发送您的位置")
        .reply_markup(ask_location.clone())
        .await
        .expect("a reply keyboard in a private chat");
    // Telegram does not echo reply keyboards in the Message.
    assert!(sent.reply_markup().is_none());
    let keyboard = standin
        .reply_keyboard(42)
        .expect("the chat shows a keyboard");
    assert_eq!(keyboard.rows.len(), 2);
    assert!(keyboard.rows[0][0].request_location);
    assert!(keyboard.one_time && keyboard.resize);
    assert!(matches!(
        standin.message(42, sent.id.0).unwrap().reply_keyboard,
        Some(ReplyKeyboardChange::Show(_))
    ));

    let update = standin.private_location(&zhang, 25.04321, 102.70123);
    let parsed = push_and_parse(&standin, update);
    let UpdateKind::Message(message) = &parsed.kind else {
        panic!("message")
    };
    assert!(message.location().is_some());

    bot.send_message(ChatId(42), "已收到")
        .reply_markup(KeyboardRemove::new())
        .await
        .expect("removing the keyboard");
    assert!(standin.reply_keyboard(42).is_none());
    let transcript = standin.transcript(&HashMap::new());
    assert!(
        transcript.contains("⌨️ [ 📍 发送位置 ]\n   ⌨️ [ 取消 ]"),
        "{transcript}"
    );
    assert!(
        transcript.contains("📍 25.04321, 102.70123"),
        "{transcript}"
    );
    assert!(transcript.contains("⌨️🚫"), "{transcript}");
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );

    // A location request works only in private chats.
    bot.send_message(ChatId(GROUP), "请发送位置")
        .reply_markup(ask_location)
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "sendMessage"),
        "Bad Request: BUTTON_TYPE_INVALID"
    );
    for malformed in [
        r#"{"keyboard":[[{"text":"a","request_locaton":true}]]}"#,
        r#"{"keyboard":[[{"text":"a","request_location":"yes"}]]}"#,
        r#"{"keyboard":[[{"text":""}]]}"#,
        r#"{"keyboard":[[{"text":"a","request_location":true,"request_contact":true}]]}"#,
        r#"{"keyboard":[[{"text":"a"}]],"remove_keyboard":true}"#,
        r#"{"keyboard":"a"}"#,
        r#"{"remove_keyboard":false}"#,
        r#"{"remove_keyboard":true,"selective":"no"}"#,
        r#"{"resize_keyboard":true}"#,
    ] {
        let body = format!(r#"{{"chat_id":42,"text":"x","reply_markup":{malformed}}}"#);
        let (status, answer) = post_raw(&standin, "sendMessage", &body).await;
        assert_eq!(status, 400, "{malformed} was accepted: {answer}");
    }
    assert_eq!(standin.violations().len(), 10);
    // An edit takes only inline keyboards.
    let body = format!(
        r#"{{"chat_id":42,"message_id":{},"reply_markup":{{"remove_keyboard":true}}}}"#,
        sent.id.0
    );
    let (status, _) = post_raw(&standin, "editMessageReplyMarkup", &body).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn builders_for_locations_venues_photos_and_albums_parse_as_the_right_kinds() {
    use teloxide::types::MediaKind;
    let standin = StandIn::start().await;
    let group = TgChat::new(GROUP, "网格一群");
    let zhang = TgUser::new(42, "张三")
        .with_username("zhangsan")
        .with_language("zh-hans");
    // Pushed, then parsed from the queued JSON with serde_json::from_str (push_and_parse).
    let parse = |update: &Value| push_and_parse(&standin, update.clone());
    let message_of = |parsed: &teloxide::types::Update| match &parsed.kind {
        UpdateKind::Message(message) => message.clone(),
        other => panic!("not a message: {other:?}"),
    };

    let text = message_of(&parse(&standin.private_text(&zhang, "/start")));
    assert!(text.chat.is_private());
    assert!(matches!(media_kind(&text), MediaKind::Text(_)));
    assert_eq!(
        text.from.as_ref().unwrap().language_code.as_deref(),
        Some("zh-hans")
    );

    let location = message_of(&parse(&standin.private_location(&zhang, 39.9042, 116.4074)));
    assert!(location.chat.is_private());
    let MediaKind::Location(shared) = media_kind(&location) else {
        panic!("{:?}", media_kind(&location))
    };
    assert!((shared.location.longitude - 116.4074).abs() < 1e-9);
    assert!(shared.location.live_period.is_none());

    let venue = message_of(&parse(&standin.venue(
        &group,
        &zhang,
        (39.9087, 116.3975),
        "天安门广场",
        "北京市东城区",
    )));
    let MediaKind::Venue(place) = media_kind(&venue) else {
        panic!("{:?}", media_kind(&venue))
    };
    assert_eq!(place.venue.title, "天安门广场");
    assert_eq!(place.venue.address, "北京市东城区");

    let photo = message_of(&parse(&standin.photo(
        &group,
        &zhang,
        Some("井盖 @wangwu_x"),
    )));
    let MediaKind::Photo(picture) = media_kind(&photo) else {
        panic!("{:?}", media_kind(&photo))
    };
    assert_eq!(picture.photo.len(), 3);
    let mut ids: Vec<&str> = picture.photo.iter().map(|s| s.file.id.0.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    assert_eq!(picture.caption.as_deref(), Some("井盖 @wangwu_x"));
    assert_eq!(picture.caption_entities.len(), 1);

    let album = standin.album(&group, &zhang, 3, Some("三张"));
    assert_eq!(album.len(), 3);
    let parsed: Vec<Message> = album.iter().map(|u| message_of(&parse(u))).collect();
    let group_id = parsed[0].media_group_id().cloned().expect("media_group_id");
    for (index, item) in parsed.iter().enumerate() {
        let MediaKind::Photo(picture) = media_kind(item) else {
            panic!("{:?}", media_kind(item))
        };
        assert_eq!(picture.media_group_id.as_ref(), Some(&group_id));
        assert_eq!(picture.caption.is_some(), index == 0);
    }
    assert_ne!(
        parsed[0].photo().unwrap()[0].file.id,
        parsed[1].photo().unwrap()[0].file.id
    );

    let live = standin.live_location(&group, &zhang, (25.0, 102.7), 900);
    let live_id = live["message"]["message_id"].as_i64().unwrap() as i32;
    let started = message_of(&parse(&live));
    let period = started.location().unwrap().live_period.as_ref();
    assert_eq!(
        period.and_then(|p| p.timeframe()).map(|s| s.seconds()),
        Some(900)
    );
    let moved = parse(&standin.live_location_edit(&group, &zhang, live_id, (25.001, 102.702)));
    let UpdateKind::EditedMessage(edit) = &moved.kind else {
        panic!("not an edit: {:?}", moved.kind)
    };
    assert_eq!(edit.id.0, live_id);
    assert!(edit.edit_date().is_some());
    assert_eq!(edit.date, started.date);
    let MediaKind::Location(now) = media_kind(edit) else {
        panic!("{:?}", media_kind(edit))
    };
    assert!((now.location.latitude - 25.001).abs() < 1e-9);
    assert!(now.location.live_period.is_some());

    // The bot can send a user's photo on by file_id once the update was pushed.
    let bot = standin.bot();
    bot.send_photo(
        ChatId(42),
        teloxide::types::InputFile::file_id(parsed[2].photo().unwrap()[1].file.id.clone()),
    )
    .await
    .expect("a pushed photo's file_id is known");
}

/// What a test webhook receiver saw.
#[derive(Default)]
struct ReceiverLog {
    requests: usize,
    /// (secret token header, update) of each accepted delivery.
    accepted: Vec<(Option<String>, Value)>,
    in_flight: usize,
    max_in_flight: usize,
}

/// A webhook receiver on 127.0.0.1 that answers 500 to its first `fail_first` requests and
/// holds every request for `delay`, so deliveries overlap.
async fn webhook_receiver(
    fail_first: usize,
    delay: Duration,
) -> (url::Url, std::sync::Arc<std::sync::Mutex<ReceiverLog>>) {
    use axum::http::{HeaderMap, StatusCode};
    use std::sync::{Arc, Mutex};
    let log = Arc::new(Mutex::new(ReceiverLog::default()));
    let handler_log = log.clone();
    let handler = move |headers: HeaderMap, body: String| {
        let log = handler_log.clone();
        async move {
            let number = {
                let mut log = log.lock().unwrap();
                log.requests += 1;
                log.in_flight += 1;
                log.max_in_flight = log.max_in_flight.max(log.in_flight);
                log.requests
            };
            tokio::time::sleep(delay).await;
            let mut log = log.lock().unwrap();
            log.in_flight -= 1;
            if number <= fail_first {
                return StatusCode::INTERNAL_SERVER_ERROR;
            }
            let secret = headers
                .get("X-Telegram-Bot-Api-Secret-Token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let update = serde_json::from_str(&body).unwrap_or(Value::Null);
            log.accepted.push((secret, update));
            StatusCode::OK
        }
    };
    let app = axum::Router::new().route("/hook", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let url = url::Url::parse(&format!("http://{address}/hook")).unwrap();
    (url, log)
}

#[tokio::test]
async fn webhook_delivers_updates_with_the_secret_and_retries_failures() {
    use teloxide::payloads::SetWebhookSetters;
    use teloxide::types::AllowedUpdate;
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let (url, log) = webhook_receiver(2, Duration::ZERO).await;
    bot.set_webhook(url.clone())
        .secret_token("s3cr3t_-X".to_string())
        .max_connections(2)
        .allowed_updates([AllowedUpdate::Message])
        .await
        .expect("setWebhook (sent as multipart by teloxide) succeeds");
    let config = standin.webhook().expect("a webhook is set");
    assert_eq!(config.url, url.as_str());
    assert_eq!(config.secret_token.as_deref(), Some("s3cr3t_-X"));
    assert_eq!(config.max_connections, 2);

    let group = TgChat::new(GROUP, "网格一群");
    let user = TgUser::new(42, "张三");
    let mut ids = Vec::new();
    for text in ["一", "二", "三", "四", "五"] {
        ids.push(standin.push_update(standin.group_text(&group, &user, text)));
    }
    // Not in allowed_updates: never delivered.
    standin.push_update(standin.bot_added(&group, &user));
    assert!(
        standin
            .wait_until(|s| s.webhook_stats().delivered == 5, WAIT)
            .await,
        "{:?}",
        standin.webhook_stats()
    );
    let stats = standin.webhook_stats();
    assert_eq!((stats.failed, stats.retried), (2, 2), "{stats:?}");
    assert!(stats.max_in_flight <= 2, "{stats:?}");
    {
        let log = log.lock().unwrap();
        assert_eq!(log.requests, 7);
        let mut delivered: Vec<i64> = log
            .accepted
            .iter()
            .map(|(_, update)| update["update_id"].as_i64().unwrap())
            .collect();
        // Telegram does not promise order; every update arrives once.
        delivered.sort_unstable();
        assert_eq!(delivered, ids);
        for (secret, update) in &log.accepted {
            assert_eq!(secret.as_deref(), Some("s3cr3t_-X"));
            let parsed = parse_update(update);
            assert!(matches!(parsed.kind, UpdateKind::Message(_)));
        }
    }
    assert!(standin.pending_updates().is_empty());

    let info = bot.get_webhook_info().await.unwrap();
    assert_eq!(info.url.as_ref().map(url::Url::as_str), Some(url.as_str()));
    assert_eq!(info.pending_update_count, 0);
    assert_eq!(info.max_connections, Some(2));
    assert_eq!(info.allowed_updates, Some(vec![AllowedUpdate::Message]));
    assert!(info.last_error_message.unwrap().contains("500"));

    // Polling while a webhook is set is refused, as by Telegram.
    let error = bot.get_updates().await.unwrap_err();
    assert!(matches!(error, RequestError::Api(_)), "{error:?}");
    assert_eq!(
        last_error(&standin, "getUpdates"),
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
    );
    assert_eq!(standin.violations().len(), 1);

    bot.delete_webhook().await.unwrap();
    assert!(standin.webhook().is_none());
    let id = standin.push_update(standin.group_text(&group, &user, "六"));
    let updates = bot.get_updates().await.expect("polling works again");
    assert_eq!(updates.len(), 1);
    assert_eq!(i64::from(updates[0].id.0), id);
    assert_eq!(standin.webhook_stats().delivered, 5);
}

#[tokio::test]
async fn webhook_keeps_to_max_connections_and_hands_back_what_it_could_not_deliver() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let group = TgChat::new(GROUP, "网格一群");
    let user = TgUser::new(42, "张三");
    let (url, log) = webhook_receiver(0, Duration::from_millis(150)).await;
    let body = json!({"url": url.as_str(), "max_connections": 3}).to_string();
    let (status, answer) = post_raw(&standin, "setWebhook", &body).await;
    assert_eq!(status, 200, "{answer}");
    for index in 0..9 {
        standin.push_update(standin.group_text(&group, &user, &format!("第{index}条")));
    }
    assert!(
        standin
            .wait_until(|s| s.webhook_stats().delivered == 9, WAIT)
            .await,
        "{:?}",
        standin.webhook_stats()
    );
    let most = log.lock().unwrap().max_in_flight;
    assert!((2..=3).contains(&most), "{most} deliveries overlapped");
    assert!(standin.webhook_stats().max_in_flight <= 3);

    // Nobody listens on this port: every attempt fails to connect and is retried.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("http://{}/hook", dead.local_addr().unwrap());
    drop(dead);
    let body = json!({"url": dead_url}).to_string();
    let (status, _) = post_raw(&standin, "setWebhook", &body).await;
    assert_eq!(status, 200);
    let id = standin.push_update(standin.group_text(&group, &user, "送不到"));
    assert!(
        standin
            .wait_until(|s| s.webhook_stats().retried >= 2, WAIT)
            .await
    );
    let info = bot.get_webhook_info().await.unwrap();
    assert_eq!(info.pending_update_count, 1);
    assert_eq!(info.max_connections, Some(40), "Telegram's default");
    assert!(info.last_error_date.is_some());
    assert!(info.last_error_message.is_some());
    // Deleting the webhook hands the undelivered update back to getUpdates.
    bot.delete_webhook().await.unwrap();
    let updates = bot.get_updates().await.unwrap();
    assert_eq!(updates.len(), 1);
    assert_eq!(i64::from(updates[0].id.0), id);
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
}

#[tokio::test]
async fn set_webhook_checks_url_and_secret_and_ends_a_waiting_poll() {
    use teloxide::payloads::SetWebhookSetters;
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let poll = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().timeout(20).await }
    });
    assert!(
        standin
            .wait_until(|s| s.calls_to("getUpdates").len() == 1, WAIT)
            .await
    );
    let hook = url::Url::parse("https://bot.example.org/hook").unwrap();
    bot.set_webhook(hook.clone())
        .secret_token("a".repeat(256))
        .await
        .expect("a 256-character secret is fine");
    tokio::time::timeout(WAIT, poll)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        standin.calls_to("getUpdates")[0].outcome,
        CallOutcome::Error("Conflict: terminated by setWebhook request".to_string())
    );

    for (secret, description) in [
        (
            "bad token!",
            "Bad Request: secret token contains unallowed characters",
        ),
        (
            "bot123:ABC",
            "Bad Request: secret token contains unallowed characters",
        ),
        (
            &"a".repeat(257)[..],
            "Bad Request: secret token is too long",
        ),
    ] {
        bot.set_webhook(hook.clone())
            .secret_token(secret.to_string())
            .await
            .unwrap_err();
        assert_eq!(last_error(&standin, "setWebhook"), description);
    }
    let error = bot
        .set_webhook(url::Url::parse("http://bot.example.org/hook").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::WebhookRequireHttps)),
        "{error:?}"
    );
    let error = bot
        .set_webhook(url::Url::parse("https://bot.example.org:8080/hook").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(error, RequestError::Api(ApiError::BadWebhookPort)),
        "{error:?}"
    );
    // The failed calls changed nothing.
    let config = standin.webhook().unwrap();
    assert_eq!(config.url, hook.as_str());
    assert_eq!(config.secret_token.map(|s| s.len()), Some(256));

    // An empty url removes the webhook.
    let (status, _) = post_raw(&standin, "setWebhook", r#"{"url":""}"#).await;
    assert_eq!(status, 200);
    assert!(standin.webhook().is_none());
    let info = bot.get_webhook_info().await.unwrap();
    assert!(info.url.is_none());
    assert_eq!(standin.violations().len(), 5);
}

/// Posts a body with the given Content-Type.
async fn post_typed(
    standin: &StandIn,
    method: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let client = teloxide::net::default_reqwest_settings()
        .build()
        .expect("reqwest client");
    let url = format!("{}bot{TOKEN}/{method}", standin.api_url());
    let response = client
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("stand-in answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn form_bodies_are_parsed_and_broken_ones_refused() {
    let standin = StandIn::start().await;
    let form = "chat_id=42&text=%3Cb%3E%E4%BD%A0%E5%A5%BD%3C%2Fb%3E&parse_mode=HTML";
    let (status, answer) = post_typed(
        &standin,
        "sendMessage",
        "application/x-www-form-urlencoded",
        form.into(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(standin.messages(42)[0].text, "你好");

    let multipart = b"--zz\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n--zz\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhi\r\n--zz--\r\n";
    let (status, answer) = post_typed(
        &standin,
        "sendMessage",
        "multipart/form-data; boundary=zz",
        multipart.to_vec(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    for (content_type, body) in [
        ("multipart/form-data", multipart.to_vec()),
        (
            "multipart/form-data; boundary=zz",
            b"--zz\r\nno end".to_vec(),
        ),
        ("multipart/form-data; boundary=other", multipart.to_vec()),
        ("application/json", b"[]".to_vec()),
    ] {
        let (status, answer) = post_typed(&standin, "sendMessage", content_type, body).await;
        assert_eq!(status, 400, "{content_type}: {answer}");
        assert!(answer["description"]
            .as_str()
            .unwrap()
            .starts_with("Bad Request: "));
    }
    // Telegram takes at most 50 MB.
    let (status, answer) = post_typed(
        &standin,
        "sendDocument",
        "multipart/form-data; boundary=zz",
        vec![b'x'; 51 * 1024 * 1024],
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(answer["description"], "Request Entity Too Large");
    assert_eq!(standin.violations().len(), 5);
    assert_eq!(standin.messages(42).len(), 2);
}

#[tokio::test]
async fn command_menus_are_kept_per_scope_and_language_and_bad_scopes_refused() {
    use teloxide::payloads::SetMyCommandsSetters;
    use teloxide::types::{BotCommandScope, Recipient, UserId};
    let standin = StandIn::start().await;
    let bot = standin.bot();
    bot.set_my_commands([BotCommand::new("report", "反映问题")])
        .scope(BotCommandScope::AllPrivateChats)
        .language_code("zh")
        .await
        .unwrap();
    bot.set_my_commands([BotCommand::new("whistle", "吹哨")])
        .scope(BotCommandScope::AllGroupChats)
        .language_code("zh")
        .await
        .unwrap();
    assert_eq!(
        standin.my_commands("all_private_chats", "zh")[0]["command"],
        "report"
    );
    assert_eq!(
        standin.my_commands("all_group_chats", "zh")[0]["command"],
        "whistle"
    );
    assert!(standin.my_commands("default", "zh").is_empty());
    assert!(standin.my_commands("all_private_chats", "en").is_empty());

    // Telegram keys menus by a two-letter code: "zh-Hans" is refused.
    bot.set_my_commands([BotCommand::new("help", "帮助")])
        .language_code("zh-Hans")
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "setMyCommands"),
        "Bad Request: invalid language code specified"
    );
    // Only the chat scope may name a private chat.
    bot.set_my_commands([BotCommand::new("help", "帮助")])
        .scope(BotCommandScope::ChatAdministrators {
            chat_id: Recipient::Id(ChatId(42)),
        })
        .await
        .unwrap_err();
    assert_eq!(
        last_error(&standin, "setMyCommands"),
        "Bad Request: can't use specified scope in private chats"
    );
    bot.set_my_commands([BotCommand::new("help", "帮助")])
        .scope(BotCommandScope::ChatMember {
            chat_id: Recipient::Id(ChatId(GROUP)),
            user_id: UserId(42),
        })
        .await
        .expect("a member of a group is a scope");
    // A scope of no known type is not a BotCommandScope.
    let (status, body) = post_raw(
        &standin,
        "setMyCommands",
        r#"{"commands":[{"command":"help","description":"x"}],"scope":{"type":"all_channels"}}"#,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(standin.violations().len(), 3);
}

#[tokio::test]
async fn everything_shown_in_a_chat_keeps_every_version_copies_and_mentions() {
    let standin = StandIn::start().await;
    let bot = standin.bot();
    let resident = TgUser::new(777_001, "王小明").with_username("xiaoming_w");
    standin.register_user(&resident);
    let private = TgChat::private(&resident);
    let venue = standin.venue(
        &private,
        &resident,
        (25.04, 102.71),
        "王小明家",
        "圆西路12号",
    );
    let venue_id = venue["message"]["message_id"].as_i64().unwrap() as i32;
    standin.push_update(venue);

    let first = bot
        .send_message(ChatId(GROUP), "居民 #3 反映：路灯坏了")
        .await
        .unwrap();
    // The bot edits the name away; the first version was still seen.
    bot.edit_message_text(ChatId(GROUP), first.id, "居民 #3 反映：路灯不亮")
        .await
        .unwrap();
    bot.copy_message(ChatId(GROUP), ChatId(resident.id), MessageId(venue_id))
        .await
        .unwrap();
    let mention = format!("<a href=\"tg://user?id={}\">居民</a> 已确认", resident.id);
    bot.send_message(ChatId(GROUP), mention)
        .parse_mode(ParseMode::Html)
        .await
        .unwrap();

    let versions = standin.shown_in(GROUP);
    assert_eq!(versions.len(), 4, "a send, its edit, a copy, a mention");
    assert_eq!(versions[0].text, "居民 #3 反映：路灯坏了");
    assert_eq!(versions[1].text, "居民 #3 反映：路灯不亮");
    let seen = standin.everything_shown_in(GROUP);
    assert!(seen.contains("路灯坏了"), "an edited-away text: {seen}");
    assert!(seen.contains("王小明家"), "a copied venue's title: {seen}");
    assert!(seen.contains("王小明"), "a mention's name: {seen}");
    assert!(seen.contains(&resident.id.to_string()));
    assert!(standin.everything_shown_in(-1009).is_empty());
    assert_eq!(standin.chats_posted_in(), vec![GROUP]);
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
}
