//! Chats side by side (issue 11): fifty chats talking at once are processed concurrently, each
//! chat strictly in the order it spoke; an organisation change made by another process is seen
//! by the running bot on its next update.

use chrono::{TimeZone, Utc};
use gridwhistle::domain::org::{parse_org, Membership};
use gridwhistle::domain::{RoleId, Scope, TelegramUserId, UnitId};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::scale::{generated_org, grid_chat, grid_id, grid_leader};
use gridwhistle::storage::Store;

fn monday_ten() -> chrono::DateTime<Utc> {
    // 10:00 in Asia/Shanghai.
    Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap()
}

/// 50 chats × 20 interleaved updates (ten whistles, each followed by chatter): every whistle
/// is one order, and each chat's cards arrive in the order its whistles were said.
#[tokio::test]
async fn fifty_chats_at_once_each_keep_their_own_order() {
    const CHATS: usize = 50;
    const ROUNDS: usize = 10;
    let mut w = Sandbox::start(&generated_org(CHATS), None, monday_ten())
        .await
        .unwrap();
    for round in 0..ROUNDS {
        for g in 0..CHATS {
            let chat = w.chat(&grid_id(g));
            let leader = w.user(grid_leader(g));
            let member = w.user(grid_leader(g) + 1);
            let u = w.standin.group_text(
                &chat,
                &leader,
                &format!("吹哨 第{round}轮 垃圾堆积 @网格{g}"),
            );
            w.queue(u);
            let u = w.standin.group_text(&chat, &member, "收到，马上去看看");
            w.queue(u);
        }
    }
    w.settle().await.unwrap();
    let orders = w.store.all_orders().await.unwrap();
    assert_eq!(
        orders.len(),
        CHATS * ROUNDS,
        "every whistle is one order, once"
    );
    for g in 0..CHATS {
        let mut mine: Vec<_> = orders
            .iter()
            .filter(|o| o.unit.as_str() == grid_id(g))
            .collect();
        mine.sort_by_key(|o| o.id.0);
        let rounds: Vec<String> = mine
            .iter()
            .map(|o| {
                o.text
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        let expected: Vec<String> = (0..ROUNDS).map(|r| format!("第{r}轮")).collect();
        assert_eq!(
            rounds, expected,
            "grid {g}: its orders numbered in the order said"
        );
        // The cards in the chat, in the order they arrived, name the rounds in order.
        let mut cards = w.standin.messages(grid_chat(g));
        cards.sort_by_key(|m| m.message_id);
        let said: Vec<usize> = cards
            .iter()
            .filter(|m| m.reply_to.is_none() && m.text.starts_with("🔔 哨令 #"))
            .filter_map(|m| {
                (0..ROUNDS)
                    .rev()
                    .find(|r| m.text.contains(&format!("第{r}轮")))
            })
            .collect();
        assert_eq!(
            said,
            (0..ROUNDS).collect::<Vec<_>>(),
            "grid {g}: its cards in order, once each"
        );
    }
    assert!(
        w.standin.violations().is_empty(),
        "{:?}",
        w.standin.violations()
    );
    w.stop().await;
}

/// Someone assigned by another process (`org import`, another replica) may whistle at once.
#[tokio::test]
async fn an_organisation_change_by_another_process_is_seen_on_the_next_update() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("org.db").display());
    let mut w = Sandbox::start(&generated_org(3), Some(url.clone()), monday_ten())
        .await
        .unwrap();
    let chat = w.chat(&grid_id(1));
    let newcomer = w.user(777);
    w.say(&chat, &newcomer, "吹哨 路灯不亮").await.unwrap();
    assert!(
        w.store.all_orders().await.unwrap().is_empty(),
        "a stranger cannot whistle"
    );
    let other = Store::connect(&url).await.unwrap();
    let org = parse_org(&generated_org(3)).unwrap();
    assert_eq!(org.units.len(), other.load_org().await.unwrap().units.len());
    other
        .assign(&Membership {
            telegram_id: TelegramUserId(777),
            scope: Scope::Unit(UnitId::parse(&grid_id(1)).unwrap()),
            role: RoleId::new("grid_leader"),
        })
        .await
        .unwrap();
    other.close().await;
    w.say(&chat, &newcomer, "吹哨 路灯不亮").await.unwrap();
    let orders = w.store.all_orders().await.unwrap();
    assert_eq!(orders.len(), 1, "the new leader's whistle is an order");
    assert_eq!(orders[0].unit.as_str(), grid_id(1));
    w.stop().await;
}
