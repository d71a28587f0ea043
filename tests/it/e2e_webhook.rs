//! Webhook mode end to end: the stand-in POSTs updates to the bot's own route (with the secret
//! header, over several connections), and the bot stores each before it answers 200.

use chrono::{TimeZone, Utc};
use gridwhistle::sandbox::Sandbox;
use serde_json::json;

use crate::e2e::*;

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

async fn webhook_world() -> Sandbox {
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 6, 2, 0).unwrap();
    Sandbox::start_webhook(HUASHAN, None, now)
        .await
        .expect("webhook sandbox")
}

/// Every update the bot stored, processed or not.
async fn stored_updates(w: &Sandbox) -> i64 {
    w.store.processed_update_count().await.unwrap()
        + w.store.unprocessed_updates().await.unwrap().len() as i64
}

#[tokio::test]
async fn the_group_flow_works_by_webhook_whistle_card_report_toast_and_edit() {
    let mut w = webhook_world().await;
    let hook = w.webhook().unwrap();
    let config = w.standin.webhook().expect("setWebhook was called");
    assert_eq!(
        config.url,
        format!("http://{}{}", hook.addr, hook.path),
        "the route the bot serves"
    );
    assert_eq!(config.secret_token.as_deref(), Some(hook.secret.as_str()));
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let wang = w.user(1002);
    let card = whistle(
        &mut w,
        &grid,
        &leader,
        "吹哨 圆西路12号垃圾堆积 @环卫 @城管",
    )
    .await;
    assert_eq!(card.mentioned_user_ids, vec![1002, 1003, 1004]);
    let toast = press(&mut w, &grid, &wang, card.message_id, "报到").await;
    assert_eq!(toast, "✅ 已报到 #1");
    let now = card_now(&w, &grid, 1).await;
    assert_eq!(now.message_id, card.message_id, "edited in place");
    assert_eq!(now.edit_count, 1);
    assert!(
        now.text.contains("✅ 环卫保洁员  王芳 · 14:02 报到"),
        "{}",
        now.text
    );
    let stats = w.standin.webhook_stats();
    assert_eq!(
        stats.delivered, 2,
        "both updates came by webhook: {stats:?}"
    );
    assert!(
        w.standin.calls_to("getUpdates").is_empty(),
        "a webhook replica does not poll"
    );
    assert_no_violations(&w);
    w.stop().await;
}

/// A whistle in the grid chat as Telegram would POST it (update `id`), and the webhook's secret.
fn whistle_body(w: &Sandbox, id: i64) -> (Vec<u8>, String) {
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let mut update = w
        .standin
        .group_text(&grid, &leader, "吹哨 圆西路12号垃圾堆积 @环卫");
    update["update_id"] = json!(id);
    let secret = w.webhook().unwrap().secret.clone();
    (serde_json::to_vec(&update).unwrap(), secret)
}

#[tokio::test]
async fn a_wrong_or_missing_secret_is_refused_with_401_and_nothing_is_stored() {
    let mut w = webhook_world().await;
    let (body, secret) = whistle_body(&w, 7001);
    let almost = format!("{}x", &secret[..secret.len() - 1]);
    assert_eq!(w.post_webhook(&body, None).await.unwrap(), 401);
    assert_eq!(w.post_webhook(&body, Some("wrong")).await.unwrap(), 401);
    assert_eq!(w.post_webhook(&body, Some(&almost)).await.unwrap(), 401);
    assert_eq!(stored_updates(&w).await, 0, "nothing stored");
    assert_eq!(order_count(&w).await, 0);
    assert_eq!(w.post_webhook(&body, Some(&secret)).await.unwrap(), 200);
    w.count_pushed(1);
    w.settle().await.unwrap();
    assert_eq!(stored_updates(&w).await, 1);
    assert_eq!(order_count(&w).await, 1, "the right secret gets in");
    w.stop().await;
}

#[tokio::test]
async fn a_resent_update_acts_once() {
    let mut w = webhook_world().await;
    let (body, secret) = whistle_body(&w, 7002);
    let grid = w.chat("cuihu-1");
    assert_eq!(w.post_webhook(&body, Some(&secret)).await.unwrap(), 200);
    w.count_pushed(1);
    w.settle().await.unwrap();
    // Telegram did not see the answer and sends it again: acknowledged, not acted on.
    assert_eq!(w.post_webhook(&body, Some(&secret)).await.unwrap(), 200);
    w.settle().await.unwrap();
    assert_eq!(stored_updates(&w).await, 1);
    assert_eq!(order_count(&w).await, 1, "one order");
    let cards: Vec<_> = w
        .messages(&grid)
        .into_iter()
        .filter(|m| m.text.contains("#1"))
        .collect();
    assert_eq!(cards.len(), 1, "one card: {cards:#?}");
    w.stop().await;
}

#[tokio::test]
async fn non_json_is_400_an_unknown_kind_is_acknowledged_and_the_bot_keeps_working() {
    let mut w = webhook_world().await;
    let secret = w.webhook().unwrap().secret.clone();
    for junk in [
        &b"not json at all"[..],
        b"{\"update_id\": ",
        b"[1, 2, 3]",
        b"",
    ] {
        assert_eq!(
            w.post_webhook(junk, Some(&secret)).await.unwrap(),
            400,
            "{}",
            String::from_utf8_lossy(junk)
        );
    }
    // A kind this bot does not know (Telegram adds them): acknowledged so it is not resent,
    // and not stored.
    let unknown = json!({"update_id": 7003, "a_kind_from_the_future": {"x": 1}});
    assert_eq!(
        w.post_webhook(&serde_json::to_vec(&unknown).unwrap(), Some(&secret))
            .await
            .unwrap(),
        200
    );
    assert_eq!(stored_updates(&w).await, 0);
    // A body over the limit is refused before it is read.
    let huge = vec![b' '; gridwhistle::telegram::webhook::BODY_LIMIT + 1];
    assert_eq!(w.post_webhook(&huge, Some(&secret)).await.unwrap(), 413);
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    let card = whistle(&mut w, &grid, &leader, "吹哨 圆西路12号垃圾堆积 @环卫").await;
    assert!(card.text.contains("#1"), "{}", card.text);
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn once_stopping_the_route_answers_503_and_stores_nothing_and_healthz_says_why() {
    let w = webhook_world().await;
    let (body, secret) = whistle_body(&w, 7004);
    let addr = w.webhook().unwrap().addr;
    let healthz = gridwhistle::sandbox::http(addr, "GET", "/healthz", &[], b"")
        .await
        .unwrap();
    assert_eq!(healthz, (200, "ok\n".to_string()));
    w.begin_stopping();
    assert_eq!(w.post_webhook(&body, Some(&secret)).await.unwrap(), 503);
    assert_eq!(
        stored_updates(&w).await,
        0,
        "Telegram will deliver it again"
    );
    let healthz = gridwhistle::sandbox::http(addr, "GET", "/healthz", &[], b"")
        .await
        .unwrap();
    assert_eq!(healthz, (503, "stopping\n".to_string()));
    w.stop().await;
}
