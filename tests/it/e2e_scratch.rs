use chrono::{TimeZone, Utc};
use gridwhistle::sandbox::Sandbox;
use gridwhistle::standin::{TgChat, TgUser};

const HUASHAN: &str = include_str!("../../examples/huashan.toml");

#[tokio::test]
async fn e2e_scratch() {
    let mut w = Sandbox::start(
        HUASHAN,
        None,
        Utc.with_ymd_and_hms(2026, 11, 28, 6, 2, 0).unwrap(),
    )
    .await
    .unwrap();
    let grid = w.chat("cuihu-1");
    let li = w.user(1001);
    let zheng = w.user(1021);
    let feng = w.user(1022);
    let old = TgChat::new(-4001, "翠湖二网格");
    w.say(&old, &zheng, "/bind cuihu-2").await.unwrap();
    w.say(&old, &zheng, "吹哨 垃圾满了").await.unwrap();
    let u = w.standin.migrate_to_supergroup(&old, -1004001, &zheng);
    w.push(u).await.unwrap();
    w.standin.set_chat_migrated(-4001, -1004001);
    let new = TgChat::new(-1004001, "翠湖二网格");
    w.say(&new, &feng, "/ack 1").await.unwrap();
    w.say(&new, &zheng, "吹哨 又有垃圾").await.unwrap();
    let u = w.standin.photo(&grid, &li, Some("#吹哨 垃圾桶满了"));
    w.push(u).await.unwrap();
    let u = w.standin.location(&grid, &li, 25.04, 102.71);
    w.push(u).await.unwrap();
    w.say(&grid, &li, "/lang en").await.unwrap();
    w.say(
        &grid,
        &li,
        "#whistle rubbish piled up location: No. 12 Yuanxi Rd",
    )
    .await
    .unwrap();
    w.say(&grid, &li, "/show 4").await.unwrap();
    let hs = w.chat("huashan");
    w.say(&hs, &w.user(1200), "吹哨 城管中队 水务局 圆西路积水")
        .await
        .unwrap();
    w.say(&hs, &w.user(1200), "吹哨 圆西路有问题")
        .await
        .unwrap();
    let long = "垃圾".repeat(2500);
    w.say(&grid, &li, &format!("吹哨 {long}")).await.unwrap();
    w.say(&grid, &li, "吹哨 <b>垃圾</b> & <script>alert(1)</script>")
        .await
        .unwrap();
    let bad = TgUser::new(3005, "<i>坏人</i>");
    w.say(&grid, &bad, "吹哨 <b>垃圾</b>").await.unwrap();
    println!("{}", w.standin.transcript(&w.chat_titles()));
    println!("{:#?}", w.standin.violations());
    println!(
        "{:#?}",
        w.standin
            .calls()
            .iter()
            .filter(|c| c.outcome != gridwhistle::standin::CallOutcome::Ok)
            .map(|c| (c.method.clone(), c.outcome.clone()))
            .collect::<Vec<_>>()
    );
    println!(
        "{:?}",
        w.store
            .all_orders()
            .await
            .unwrap()
            .iter()
            .map(|o| (o.id, o.unit.clone(), o.state))
            .collect::<Vec<_>>()
    );
}
