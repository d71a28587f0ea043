//! `/stats` and `/rank` end to end against the stand-in: who may ask, a bad period, the text
//! table in the chat's language.

use gridwhistle::standin::{PhotoSource, TgUser};

use crate::e2e::*;

#[tokio::test]
async fn stats_in_a_grid_chat_counts_this_months_whistles_and_reports() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let leader = w.user(1001);
    whistle(&mut w, &grid, &leader, "吹哨 垃圾堆积").await;
    // Wang Fang (sanitation) reports two minutes later: on time.
    w.advance(chrono::Duration::minutes(2)).await.unwrap();
    let wang = w.user(1002);
    say_and_collect(&mut w, &grid, &wang, "/ack 1").await;
    let answer = answer_to(&mut w, &grid, &leader, "/stats").await;
    // One whistle, one party (sanitation) that reported in 2 minutes; every rate has fewer than
    // the default five cases.
    assert_eq!(
        answer.lines().collect::<Vec<_>>(),
        vec![
            "📊 翠湖社区第一网格 · 2026-11",
            "吹哨 1 · 已办结 0 · 已销号 0 · 退回重办 0",
            "召集 1 方 · 已报到 1",
            "升级到社区 0 · 街道 0 · 区 0",
            "报到率：样本太少（1）",
            "按时办结率：样本太少（0）",
            "报到用时：中位数 2分钟 · 90% 2分钟",
            "办结用时：中位数 — · 90% —",
            "升级率：样本太少（1）",
            "返工率：样本太少（0）",
            "居民评价：解决率 样本太少（0） · 满意率 样本太少（0） · 未评价 0",
        ]
    );
    // The sub-district's chat breaks it down by community; an admin may ask there, in English
    // periods too.
    let huashan = w.chat("huashan");
    let admin = w.user(1);
    let new = say_and_collect(&mut w, &huashan, &admin, "/stats 2026-11").await;
    assert_eq!(new.len(), 2, "the table and the chart: {new:#?}");
    let sub = new[0].text.clone();
    // The chart: a PNG uploaded with sendPhoto, replying to the command, with its caption.
    let chart = &new[1];
    assert_eq!(chart.reply_to, new[0].reply_to);
    assert_eq!(
        chart.text,
        "📊 华山街道 · 2026-11：按下级单位的报到率与办结用时中位数"
    );
    match &chart.photo.as_ref().expect("a photo").source {
        PhotoSource::Upload(f) => {
            assert_eq!(&f.head[..8], b"\x89PNG\r\n\x1a\n");
            assert!(f.len > 1000, "{}", f.len);
            assert_eq!(f.file_name.as_deref(), Some("stats.png"));
        }
        other => panic!("the chart was not uploaded: {other:?}"),
    }
    assert!(sub.starts_with("📊 华山街道 · 2026-11\n吹哨 1 ·"), "{sub}");
    assert!(
        sub.contains("\n2026 年报到不足两单的联盟单位：昆明第一中学、云南大学\n"),
        "{sub}"
    );
    assert!(
        sub.ends_with("按下级单位：\n翠湖社区：报到率 样本太少（1） · 办结用时中位数 —"),
        "{sub}"
    );
    // Last month (October) had nothing.
    // (no whistles there: no chart, the table alone)
    let october = answer_to(&mut w, &huashan, &admin, "/stats 上月").await;
    assert!(october.contains("2026-10\n吹哨 0 ·"), "{october}");
    // /rank: the departments, alliance units and communities, unranked with so few cases.
    let rank = answer_to(&mut w, &huashan, &admin, "/rank").await;
    assert!(rank.starts_with("🏆 华山街道 · 2026-11"), "{rank}");
    assert!(
        rank.contains("下级单位：\n未排名（样本太少）：翠湖社区、"),
        "{rank}"
    );
    // The alliance units of the sub-district as a third list (too few cases to rank them),
    // then those that reported on fewer than two orders this year: both, none has reported.
    assert!(
        rank.contains(
            "\n\n联盟单位：\n未排名（样本太少）：昆明第一中学、云南大学\n\
             2026 年报到不足两单的联盟单位：昆明第一中学、云南大学\n\n下级单位："
        ),
        "{rank}"
    );
    // /rank is for sub-districts and districts.
    let not_here = answer_to(&mut w, &grid, &leader, "/rank").await;
    assert_eq!(
        not_here,
        "/rank 只能在街道或区的群里由值班人员和管理员使用。"
    );
    assert_no_violations(&w);
    w.stop().await;
}

#[tokio::test]
async fn stats_refuses_strangers_and_explains_a_bad_period() {
    let mut w = world().await;
    let grid = w.chat("cuihu-1");
    let stranger = TgUser::new(3001, "钱多多");
    let refused = answer_to(&mut w, &grid, &stranger, "/stats").await;
    assert_eq!(refused, "只有本群名册上的人员和管理员可以查看统计。");
    let leader = w.user(1001);
    let usage = answer_to(&mut w, &grid, &leader, "/stats 明年").await;
    assert_eq!(
        usage,
        "用法：/stats [时段] —— 本周、本月（默认）、上月、11月、2026-11，或 2026-11-01..2026-11-15。"
    );
    assert_no_violations(&w);
    w.stop().await;
}
