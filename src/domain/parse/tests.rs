//! The parser's table test: one line per message in zh-Hans, zh-Hant and English, read at a
//! fixed `now` in a grid, community or sub-district chat, plus the trigger and robustness
//! checks.

use super::*;
use chrono_tz::Tz;

/// Fri 04:09 in Shanghai: "今天3点前" has already passed.
const EARLY: &str = "2025-03-13T20:09:00Z";
/// Sat 20 December 10:30 in Shanghai, for dates in the next year.
const DECEMBER: &str = "2025-12-20T02:30:00Z";
/// Fri 10:30 in Shanghai.
const MORNING: &str = "2025-03-14T02:30:00Z";
/// Fri 19:00 in Shanghai, after work.
const EVENING: &str = "2025-03-14T11:00:00Z";
/// Fri 23:30 in Shanghai, half an hour before midnight.
const LATE: &str = "2025-03-14T15:30:00Z";
/// Sat 04:00 in Shanghai but still Fri 20:00 in UTC.
const SPLIT: &str = "2025-03-14T20:00:00Z";

#[derive(Clone, Copy)]
enum Chat {
    /// A grid's chat in Kunming.
    Grid,
    /// The same with the organisation's clock set to UTC.
    GridUtc,
    /// A community's chat: grids can be named.
    Community,
    /// A sub-district's chat: departments are whistled.
    SubDistrict,
}
use Chat::*;

fn departments() -> Vec<DepartmentRef> {
    let d = |id: &str, names: &[&str], handles: &[&str]| DepartmentRef {
        id: id.into(),
        names: names.iter().map(|s| s.to_string()).collect(),
        handles: handles.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        d(
            "chengguan",
            &["华山城管中队", "城管中队", "urban management squad"],
            &["城管", "占道", "违建", "chengguan"],
        ),
        d(
            "market",
            &["市场监督管理所", "市场监管所", "market supervision"],
            &["市场监管", "食品安全", "food safety"],
        ),
        d(
            "police",
            &["文林派出所", "派出所", "police station"],
            &["盗窃", "诈骗"],
        ),
        d(
            "emergency",
            &["应急管理局", "应急管理", "emergency management"],
            &["安全生产", "消防"],
        ),
        d("environment", &["生态环境分局", "环保"], &["油烟", "污水"]),
        d("water", &["水务局", "水务"], &["停水", "水管", "water"]),
    ]
}

/// The alliance units (联盟单位) a community or sub-district chat may whistle.
fn alliances() -> Vec<AllianceRef> {
    let a = |id: &str, names: &[&str]| AllianceRef {
        id: id.into(),
        names: names.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        a(
            "yunnan-university",
            &["云南大学", "云大", "Yunnan University"],
        ),
        a(
            "no1-middle-school",
            &["昆明第一中学", "昆一中", "Kunming No. 1 Middle School"],
        ),
    ]
}

fn grids() -> Vec<GridRef> {
    let g = |id: &str, names: &[&str]| GridRef {
        id: id.into(),
        names: names.iter().map(|s| s.to_string()).collect(),
    };
    vec![
        g(
            "cuihu-1",
            &[
                "翠湖社区第一网格",
                "第一网格",
                "一网格",
                "Cuihu Grid 1",
                "grid 1",
            ],
        ),
        g(
            "cuihu-2",
            &[
                "翠湖社区第二网格",
                "第二网格",
                "二网格",
                "Cuihu Grid 2",
                "grid 2",
            ],
        ),
        g(
            "cuihu-3",
            &[
                "翠湖社区第三网格",
                "第三网格",
                "三网格",
                "Cuihu Grid 3",
                "grid 3",
            ],
        ),
    ]
}

fn run(chat: Chat, now: &str, input: &str) -> (Draft, Tz) {
    let roles = RoleCatalog::default();
    let depts = departments();
    let grids = grids();
    let alliances = alliances();
    let keywords = default_keywords();
    let tz = match chat {
        GridUtc => chrono_tz::UTC,
        _ => chrono_tz::Asia::Shanghai,
    };
    let cx = ParseContext {
        roles: &roles,
        departments: &depts,
        match_departments: matches!(chat, SubDistrict),
        alliances: if matches!(chat, Community | SubDistrict) {
            &alliances
        } else {
            &[]
        },
        grids: if matches!(chat, Community) {
            &grids
        } else {
            &[]
        },
        keywords: &keywords,
        tz,
        now: now.parse().expect("test clock"),
    };
    (parse_whistle(input, &cx), tz)
}

/// One line per draft: "#ref ; R:roles/source ; D:depts ; G:grid ; ! ; due:MM-DD HH:MM
/// (local) ; loc:… ; text:…", leaving out what is empty, and the text when it is the
/// trimmed input.
fn render(d: &Draft, tz: Tz, input: &str) -> String {
    let mut out = Vec::new();
    match (d.order_ref, &d.order_ref_text) {
        (Some(n), _) => out.push(format!("#{n}")),
        (None, Some(digits)) => out.push(format!("#?{digits}")),
        (None, None) => {}
    }
    let ids: Vec<&str> = d.roles.iter().map(RoleId::as_str).collect();
    out.push(match d.role_source {
        RoleSource::Named => format!("R:{}/named", ids.join(",")),
        RoleSource::Keyword => format!("R:{}/kw", ids.join(",")),
        RoleSource::Default => format!("R:{}/default", ids.join(",")),
        RoleSource::None => format!("R:-{}", ids.join(",")),
    });
    if !d.departments.is_empty() {
        out.push(format!("D:{}", d.departments.join(",")));
    }
    if !d.alliances.is_empty() {
        out.push(format!("A:{}", d.alliances.join(",")));
    }
    if let Some(g) = &d.grid {
        out.push(format!("G:{g}"));
    }
    if d.urgent {
        out.push("!".into());
    }
    if let Some(t) = d.due {
        out.push(format!(
            "due:{}",
            t.with_timezone(&tz).format("%m-%d %H:%M")
        ));
    }
    let local = |t: &chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%m-%d %H:%M");
    match &d.due_note {
        Some(DueNote::Passed { wanted, next }) => {
            out.push(format!("note:passed {}>{}", local(wanted), local(next)))
        }
        Some(DueNote::Unreadable { text }) => out.push(format!("note:unreadable {text}")),
        Some(DueNote::InPast { text }) => out.push(format!("note:inpast {text}")),
        None => {}
    }
    if let Some(l) = &d.location {
        out.push(format!("loc:{l}"));
    }
    if d.text != input.trim() {
        out.push(format!("text:{}", d.text));
    }
    out.join(" ; ")
}

#[rustfmt::skip]
const CASES: &[(Chat, &str, &str, &str)] = &[
    // --- zh-Hans, grid chat ---
    (Grid, MORNING, "圆西路12号门口垃圾堆积，还有流动摊贩 地点：圆西路12号 紧急 18:00前",
        "R:sanitation,urban_enforcement/kw ; ! ; due:03-14 18:00 ; loc:圆西路12号"),
    (Grid, MORNING, "@城管 @环卫 翠湖北路有人占道经营", "R:urban_enforcement,sanitation/named"),
    (Grid, MORNING, "请纪律监督员到场核实", "R:discipline_supervisor/named"),
    (Grid, MORNING, "城管执法员 圆西路店外经营", "R:urban_enforcement/named"),
    (Grid, MORNING, "网格监督员和监督员都来一下", "R:grid_supervisor/named"),
    (Grid, MORNING, "街道科室专干、社区专干请报到", "R:subdistrict_specialist,community_specialist/named"),
    (Grid, MORNING, "纪检 网格长 社区民警 都来", "R:discipline_supervisor,grid_leader,community_police/named"),
    (Grid, MORNING, "应急演练物资已到位，请网格长确认", "R:grid_leader/named"),
    (Grid, MORNING, "三栋楼道应急灯不亮了，麻烦看一下", "R:grid_leader/default"),
    (Grid, MORNING, "三栋楼道应急灯不亮了，急", "R:grid_leader/default ; !"),
    (Grid, MORNING, "急救车进不来，小区门口乱停车", "R:urban_enforcement/kw"),
    (Grid, MORNING, "急救车进不来，小区门口乱停车 急急急", "R:urban_enforcement/kw ; !"),
    (Grid, MORNING, "不急，明天处理一下小广告", "R:urban_enforcement/kw ; due:03-15 18:00"),
    (Grid, MORNING, "非紧急：楼道堆放杂物", "R:grid_leader/default"),
    (Grid, MORNING, "井盖丢了!", "R:grid_supervisor/kw"),
    (Grid, MORNING, "！井盖丢了", "R:grid_supervisor/kw ; !"),
    (Grid, MORNING, "井盖丢了!!", "R:grid_supervisor/kw ; !"),
    (Grid, MORNING, "尽快处理，有居民反映漏水", "R:grid_supervisor/kw ; !"),
    (Grid, MORNING, "两小时内清理完毕 垃圾桶满了", "R:sanitation/kw ; due:03-14 12:30"),
    (Grid, MORNING, "半小时内到场，有人打架", "R:community_police/kw ; due:03-14 11:00"),
    (Grid, MORNING, "一个半小时内处理", "R:grid_leader/default ; due:03-14 12:00"),
    (Grid, MORNING, "30分钟内到现场 @民警", "R:community_police/named ; due:03-14 11:00"),
    (Grid, MORNING, "1小时后到场 @民警", "R:community_police/named ; due:03-14 11:30"),
    (Grid, MORNING, "下午3点一刻前 清运垃圾", "R:sanitation/kw ; due:03-14 15:15"),
    (Grid, MORNING, "24小时内拆除违建", "R:urban_enforcement/kw ; due:03-15 10:30"),
    (Grid, MORNING, "三天内整改到位 违章搭建", "R:urban_enforcement/kw ; due:03-17 10:30"),
    (Grid, MORNING, "今天18点前清运", "R:sanitation/kw ; due:03-14 18:00"),
    (Grid, MORNING, "9点前处理", "R:grid_leader/default ; due:03-15 09:00"),
    (Grid, MORNING, "十一点半前处理", "R:grid_leader/default ; due:03-14 11:30"),
    (Grid, MORNING, "今晚之前把违建拆除", "R:urban_enforcement/kw ; due:03-14 22:00"),
    (Grid, MORNING, "晚上8点前 广场舞噪音", "R:community_police/kw ; due:03-14 20:00"),
    (Grid, MORNING, "明天上午 环卫 清扫落叶", "R:sanitation/named ; due:03-15 12:00"),
    (Grid, MORNING, "明天下午前 @专干 走访独居老人", "R:community_specialist/named ; due:03-15 18:00"),
    (Grid, MORNING, "明早8点 保洁 到菜市场", "R:sanitation/named ; due:03-15 08:00"),
    (Grid, MORNING, "请城管执法员和环卫保洁员于明天9点前到圆西路", "R:urban_enforcement,sanitation/named ; due:03-15 09:00"),
    (Grid, MORNING, "下班前反馈 小区门口乱停车", "R:urban_enforcement/kw ; due:03-14 18:00"),
    (Grid, EVENING, "下班前反馈 小区门口乱停车", "R:urban_enforcement/kw ; due:03-15 18:00"),
    (Grid, LATE, "18点前处理完路灯", "R:grid_supervisor/kw ; due:03-15 18:00"),
    (Grid, LATE, "2小时内处理 噪音扰民", "R:community_police/kw ; due:03-15 01:30"),
    (Grid, MORNING, "今天早上发现井盖松动", "R:grid_supervisor/kw"),
    (Grid, MORNING, "周五前 @城管 处理违建", "R:urban_enforcement/named ; due:03-14 18:00"),
    (Grid, MORNING, "下周一 社区专干 报送低保材料", "R:community_specialist/named ; due:03-17 18:00"),
    (Grid, MORNING, "地址：文林街88号，油烟扰民", "R:community_police/kw ; loc:文林街88号"),
    (Grid, MORNING, "📍翠湖南路与圆西路交叉口 路灯不亮", "R:grid_supervisor/kw ; loc:翠湖南路与圆西路交叉口"),
    (Grid, MORNING, "位置在五华区圆西路12号门口；垃圾没人清", "R:sanitation/kw ; loc:五华区圆西路12号门口"),
    (Grid, MORNING, "<b>紧急</b> 有人打架", "R:community_police/kw ; !"),
    (Grid, MORNING, "#17 补充：加派环卫", "#17 ; R:sanitation/named ; text:补充：加派环卫"),
    (Grid, MORNING, "#17", "#17 ; R:grid_leader/default ; text:"),
    (Grid, MORNING, "#17号楼垃圾满了", "R:sanitation/kw"),
    (Grid, MORNING, "2小时内 @cleaner garbage at east gate", "R:sanitation/named ; due:03-14 12:30"),
    // --- zh-Hans, community and sub-district chats ---
    (Community, MORNING, "一网格长 请到翠湖社区第一网格东门", "R:grid_leader/named ; G:cuihu-1"),
    (Community, MORNING, "第二网格 垃圾堆积 明天", "R:sanitation/kw ; G:cuihu-2 ; due:03-15 18:00"),
    (Community, MORNING, "Cuihu Grid 3: broken streetlight", "R:grid_supervisor/kw ; G:cuihu-3"),
    (Community, MORNING, "grid 10 noise at night", "R:community_police/kw"),
    (SubDistrict, MORNING, "城管中队 市场监管所 请到华山西路报到", "R:- ; D:chengguan,market"),
    (SubDistrict, MORNING, "@城管 翠湖周边占道经营", "R:- ; D:chengguan"),
    (Grid, MORNING, "@城管 翠湖周边占道经营", "R:urban_enforcement/named"),
    (SubDistrict, MORNING, "油烟扰民 地点：华山南路5号", "R:- ; D:environment ; loc:华山南路5号"),
    (SubDistrict, MORNING, "应急管理 派出所 联合检查，紧急", "R:- ; D:emergency,police ; !"),
    (SubDistrict, MORNING, "社区民警 和 派出所 一起到场", "R:community_police/named ; D:police"),
    (SubDistrict, MORNING, "有人盗窃电动车", "R:- ; D:police"),
    (SubDistrict, MORNING, "路灯坏了好几天", "R:grid_supervisor/kw"),
    (Grid, MORNING, "", "R:grid_leader/default"),
    // --- zh-Hant ---
    (Grid, MORNING, "圓西路12號門口垃圾堆積，還有流動攤販 地點：圓西路12號 緊急 18:00前",
        "R:sanitation,urban_enforcement/kw ; ! ; due:03-14 18:00 ; loc:圓西路12號"),
    (Grid, MORNING, "@城管執法員 @環衛保潔員 兩小時內到場", "R:urban_enforcement,sanitation/named ; due:03-14 12:30"),
    (Grid, MORNING, "紀律監督員請到場", "R:discipline_supervisor/named"),
    (Grid, MORNING, "應急管理演練，請網格長配合", "R:grid_leader/named"),
    (Grid, MORNING, "社區民警請注意，有人打架鬥毆，緊急！", "R:community_police/named ; !"),
    (Grid, MORNING, "明天下午 社區專幹 走訪獨居老人", "R:community_specialist/named ; due:03-15 18:00"),
    (Grid, MORNING, "半個小時內處理 井蓋丟失", "R:grid_supervisor/kw ; due:03-14 11:00"),
    (Grid, MORNING, "路燈不亮 地址：華山南路3號", "R:grid_supervisor/kw ; loc:華山南路3號"),
    (Grid, MORNING, "#42 加派監督員", "#42 ; R:grid_supervisor/named ; text:加派監督員"),
    (Grid, MORNING, "今晚8點前清運垃圾", "R:sanitation/kw ; due:03-14 20:00"),
    (Grid, MORNING, "不緊急，下週三前處理違停", "R:urban_enforcement/kw ; due:03-19 18:00"),
    (Grid, MORNING, "聯絡員 機關聯絡員 報到", "R:agency_liaison/named"),
    (Grid, LATE, "明天上午10點前 環衛 清掃", "R:sanitation/named ; due:03-15 10:00"),
    (GridUtc, SPLIT, "18點前 清掃", "R:sanitation/kw ; due:03-15 18:00"),
    (SubDistrict, MORNING, "華山城管中隊 請處理佔道經營", "R:- ; D:chengguan"),
    (Community, MORNING, "第一網格 噪音擾民 急", "R:community_police/kw ; G:cuihu-1 ; !"),
    // --- English ---
    (Grid, MORNING, "@sanitation garbage piling up at the east gate, urgent", "R:sanitation/named ; !"),
    (Grid, MORNING, "URGENT: fight outside Block 3, police needed", "R:community_police/named ; !"),
    (Grid, MORNING, "Street vendors blocking the road. Location: Yuanxi Rd 12, by 6pm",
        "R:urban_enforcement/kw ; due:03-14 18:00 ; loc:Yuanxi Rd 12"),
    (Grid, MORNING, "policeman seen near gate", "R:grid_leader/default"),
    (Grid, MORNING, "need cops and cleaners within 2h", "R:community_police,sanitation/named ; due:03-14 12:30"),
    (Grid, MORNING, "Broken streetlight on Cuihu Rd, within 30 min please", "R:grid_supervisor/kw ; due:03-14 11:00"),
    (Grid, MORNING, "Grid leader please check the manhole in 2 hours", "R:grid_leader/named ; due:03-14 12:30"),
    (Grid, MORNING, "by tomorrow: clear the rubbish", "R:sanitation/kw ; due:03-15 18:00"),
    (Grid, MORNING, "tomorrow morning, discipline supervisor to review", "R:discipline_supervisor/named ; due:03-15 12:00"),
    (Grid, MORNING, "Noise complaint, not urgent, by 18:00", "R:community_police/kw ; due:03-14 18:00"),
    (Grid, MORNING, "!! Water leak in basement ASAP", "R:grid_supervisor/kw ; !"),
    (Grid, MORNING, "Great job everyone!", "R:grid_leader/default"),
    (Grid, MORNING, "#7 add the community specialist", "#7 ; R:community_specialist/named ; text:add the community specialist"),
    (Grid, MORNING, "Theft reported. 📍 Block 5, Huashan Nanlu", "R:community_police/kw ; loc:Block 5"),
    (Grid, MORNING, "Huge pothole near the copy shop", "R:grid_supervisor/kw"),
    (Grid, MORNING, "cleaner at: North Gate; asap", "R:sanitation/named ; ! ; loc:North Gate"),
    // "Tonight" at 23:30 has passed: no due time, the same time tomorrow offered instead.
    (Grid, LATE, "Tonight: garbage by the bins", "R:sanitation/kw ; note:passed 03-14 22:00>03-15 22:00"),
    (Grid, MORNING, "by friday, illegal parking at the school gate", "R:urban_enforcement/kw ; due:03-14 18:00"),
    (Grid, SPLIT, "by 11pm", "R:grid_leader/default ; due:03-15 23:00"),
    (GridUtc, SPLIT, "by 11pm", "R:grid_leader/default ; due:03-14 23:00"),
    (SubDistrict, MORNING, "Emergency management and water dept: pipe burst at Wenlin St, urgent",
        "R:- ; D:emergency,water ; !"),
    (SubDistrict, MORNING, "Market supervision: food safety check at noon", "R:- ; D:market"),
    // --- due times that cannot be deadlines (a time past today, a past day, no such time) ---
    (Grid, EARLY, "今天3点前清运垃圾", "R:sanitation/kw ; note:passed 03-14 03:00>03-15 03:00"),
    (Grid, EARLY, "今天3點前清運垃圾", "R:sanitation/kw ; note:passed 03-14 03:00>03-15 03:00"),
    (Grid, EARLY, "today 3am: clear the rubbish", "R:sanitation/kw ; note:passed 03-14 03:00>03-15 03:00"),
    (Grid, EARLY, "3点前清运垃圾", "R:sanitation/kw ; due:03-15 03:00"),
    (Grid, EARLY, "今天5点前清运垃圾", "R:sanitation/kw ; due:03-14 05:00"),
    (Grid, LATE, "今晚之前把违建拆除", "R:urban_enforcement/kw ; note:passed 03-14 22:00>03-15 22:00"),
    (Grid, MORNING, "昨天18点前就该清运的垃圾还在", "R:sanitation/kw ; note:inpast 昨天18点前"),
    (Grid, MORNING, "昨天18點前就該清運", "R:sanitation/kw ; note:inpast 昨天18點前"),
    (Grid, MORNING, "昨晚10点有人打架", "R:community_police/kw"),
    (Grid, MORNING, "昨天发现井盖松动", "R:grid_supervisor/kw"),
    (Grid, MORNING, "yesterday 6pm was the deadline for the garbage", "R:sanitation/kw ; note:inpast yesterday 6pm"),
    (Grid, MORNING, "by yesterday, the garbage", "R:sanitation/kw ; note:inpast by yesterday"),
    (Grid, MORNING, "fight yesterday at 6pm near the gate", "R:community_police/kw"),
    (Grid, MORNING, "25点前处理", "R:grid_leader/default ; note:unreadable 25点前"),
    (Grid, MORNING, "18:75前处理", "R:grid_leader/default ; note:unreadable 18:75前"),
    (Grid, MORNING, "2月30日前 拆除违建", "R:urban_enforcement/kw ; note:unreadable 2月30日前"),
    (Grid, MORNING, "2月30號前 拆除違建", "R:urban_enforcement/kw ; note:unreadable 2月30號前"),
    (Grid, MORNING, "by 25:00 fix the streetlight", "R:grid_supervisor/kw ; note:unreadable by 25:00"),
    (Grid, MORNING, "by 13pm", "R:grid_leader/default ; note:unreadable by 13pm"),
    (Grid, MORNING, "reported by 30 residents", "R:grid_leader/default"),
    (Grid, MORNING, "3月20日前 走访独居老人", "R:community_specialist/kw ; due:03-20 18:00"),
    (Grid, MORNING, "3月20日下午3点 走访独居老人", "R:community_specialist/kw ; due:03-20 15:00"),
    (Grid, MORNING, "3月1日前整改", "R:grid_leader/default ; note:inpast 3月1日前"),
    (Grid, MORNING, "3月5日发现井盖松动", "R:grid_supervisor/kw"),
    (Grid, MORNING, "1月5日前 报送低保材料", "R:community_specialist/kw ; note:inpast 1月5日前"),
    // In December a January date without a year is next January.
    (Grid, DECEMBER, "1月5日前 报送低保材料", "R:community_specialist/kw ; due:01-05 18:00"),
    (Grid, DECEMBER, "2025年1月5日前 报送低保材料", "R:community_specialist/kw ; note:inpast 2025年1月5日前"),
    // --- "#N" typed on a phone, and numbers that are no order ---
    (Grid, MORNING, "#１１ @城管 加派人手", "#11 ; R:urban_enforcement/named ; text:@城管 加派人手"),
    (Grid, MORNING, "＃１１ 加派環衛", "#11 ; R:sanitation/named ; text:加派環衛"),
    (Grid, MORNING, "#99999999999999999999 垃圾", "#?99999999999999999999 ; R:sanitation/kw ; text:垃圾"),
    (Grid, MORNING, "#0 test", "#?0 ; R:grid_leader/default ; text:test"),
    (Grid, MORNING, "#１７号楼垃圾满了", "R:sanitation/kw"),
    (Grid, MORNING, "#12\u{3000}加派环卫", "#12 ; R:sanitation/named ; text:加派环卫"),
    (Grid, MORNING, "\u{202E}#12 加派环卫\u{0}", "#12 ; R:sanitation/named ; text:加派环卫"),
    // --- roles as people type them; a named role beats keywords elsewhere ---
    (Grid, MORNING, "@urban-enforcement 占道经营", "R:urban_enforcement/named"),
    (Grid, MORNING, "urban enforcement please check the stalls", "R:urban_enforcement/named"),
    (Grid, MORNING, "@Urban_Enforcement vendors at the gate", "R:urban_enforcement/named"),
    (Grid, MORNING, "grid-leader please check the garbage", "R:grid_leader/named"),
    (Grid, MORNING, "Grid Leader: 垃圾没人清", "R:grid_leader/named"),
    (Grid, MORNING, "ＧＲＩＤ　ＬＥＡＤＥＲ 看一下", "R:grid_leader/named"),
    (Grid, MORNING, "sub district section specialist please", "R:subdistrict_specialist/named"),
    (Grid, MORNING, "beat cop needed, noise at night", "R:community_police/named"),
    (Grid, MORNING, "sweeper needed at the gate, fight debris", "R:sanitation/named"),
    (Grid, MORNING, "片警 楼下垃圾堆里有可疑包裹", "R:community_police/named"),
    (Grid, MORNING, "保洁阿姨 请清理一下打架留下的玻璃", "R:sanitation/named"),
    (Grid, MORNING, "城管队员 到菜市场 有人打架", "R:urban_enforcement/named"),
    (Grid, MORNING, "片兒警 請到場 垃圾", "R:community_police/named"),
    (Grid, MORNING, "保潔阿姨 清掃樓道 有人吵架", "R:sanitation/named"),
    (Grid, MORNING, "城管隊員 處理違停 噪音", "R:urban_enforcement/named"),
    (Grid, MORNING, "菜市场门口有人摆地摊", "R:urban_enforcement/kw"),
    (Grid, MORNING, "菜市場門口有人擺地攤", "R:urban_enforcement/kw"),
    (Grid, MORNING, "楼道漏了水", "R:grid_supervisor/kw"),
    // --- alliance units (联盟单位): by name or alias in community and sub-district chats ---
    (Community, MORNING, "云南大学 请派志愿者清理翠湖边垃圾", "R:- ; A:yunnan-university"),
    (Community, MORNING, "@云大 @昆一中 周末一起清理河道", "R:- ; A:yunnan-university,no1-middle-school"),
    (Community, MORNING, "第一网格 环卫 和 云大 一起清扫", "R:sanitation/named ; A:yunnan-university ; G:cuihu-1"),
    (Community, MORNING, "Yunnan University volunteers please help at the lake", "R:- ; A:yunnan-university"),
    (SubDistrict, MORNING, "城管中队 云南大学 占道经营一起处理", "R:- ; D:chengguan ; A:yunnan-university"),
    (SubDistrict, MORNING, "昆明第一中学 请协助交通疏导", "R:- ; A:no1-middle-school"),
    // A grid's chat does not whistle alliance units: the name is only words.
    (Grid, MORNING, "云南大学门口垃圾堆积", "R:sanitation/kw"),
];

fn failures() -> Vec<String> {
    CASES
        .iter()
        .filter_map(|&(chat, now, input, want)| {
            let (d, tz) = run(chat, now, input);
            let got = render(&d, tz, input);
            (got != want).then(|| format!("{input}\n   want: {want}\n    got: {got}"))
        })
        .collect()
}

#[test]
fn table() {
    let failed = failures();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn counts() {
    let failed = failures().len();
    let ack_ok = super::ack::tests::ACKS
        .iter()
        .filter(|(t, want)| is_ack_text(t) == *want)
        .count();
    println!(
        "parse cases: {}, passed: {}; ack cases: {}, passed: {}",
        CASES.len(),
        CASES.len() - failed,
        super::ack::tests::ACKS.len(),
        ack_ok
    );
    assert_eq!(failed, 0);
    assert_eq!(ack_ok, super::ack::tests::ACKS.len());
}

#[test]
fn triggers() {
    let cases = [
        ("吹哨 圆西路垃圾", Some("圆西路垃圾")),
        ("吹哨：圆西路垃圾", Some("圆西路垃圾")),
        ("  吹哨,@城管", Some("@城管")),
        ("#吹哨 @环卫", Some("@环卫")),
        ("＃吹哨 @环卫", Some("@环卫")),
        ("#whistle fight at gate", Some("fight at gate")),
        ("#WHISTLE: fight", Some("fight")),
        ("吹哨！！井盖丢了", Some("！！井盖丢了")),
        ("吹哨", Some("")),
        ("吹哨报到机制很好", None),
        ("#whistleblower", None),
        ("whistle fight", None),
        ("请大家吹哨", None),
        ("#吹", None),
        ("", None),
    ];
    for (text, want) in cases {
        assert_eq!(strip_trigger(text), want, "{text}");
    }
}

#[test]
fn never_panics() {
    let mut inputs: Vec<String> = [
        "",
        " ",
        "🚨",
        "👍👍👍",
        "#",
        "#9999999999999999999999 test",
        "＃",
        "!",
        "！！",
        "<b>吹哨</b><i>&amp;</i>",
        "地点：",
        "📍",
        "at:",
        "24:00前",
        "25点前",
        "99:99",
        "晚上12点前",
        "0点前",
        "十九点前",
        "一百小时内",
        "9999小时内",
        "1.5小时内",
        "within 9999 days",
        "by 12am",
        "by 0:00",
        "by 24:00",
        "by 13pm",
        "tomorrow 99pm",
        "下周日前",
        "星期天前",
        "周7前",
        "Ǆ ß ΣΑΣ İ",
        "\u{200D}\u{FE0F}",
        "\u{0}\u{1}",
        "#0",
        "#\u{202E}12",
        "昨天前",
        "前天18点前",
        "0月0日前",
        "99月99日前",
        "2025年2月29日前",
        "9999年12月31日下午25点前",
        "yesterday 99pm",
        "\u{2067}吹哨\u{2069} #１",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    inputs.push("圆西路12号垃圾堆积 紧急 18:00前 @城管 ".repeat(200));
    inputs.push("a".repeat(5000));
    // A deterministic soup of the characters the parser reacts to.
    let alphabet: Vec<char> = "0123456789:：#＃!！@ 点时分前内半个小钟明今天晚上下午周五急应紧地址：📍,，。\nbyatin pm am h min".chars().collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..2000 {
        let len = (seed % 40) as usize;
        let s: String = (0..len)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                alphabet[(seed >> 33) as usize % alphabet.len()]
            })
            .collect();
        inputs.push(s);
    }
    for s in &inputs {
        for chat in [Grid, GridUtc, Community, SubDistrict] {
            let (d, _) = run(chat, LATE, s);
            assert!(!d.roles.is_empty() || !d.departments.is_empty());
        }
        is_ack_text(s);
        strip_trigger(s);
    }
}

#[test]
fn asking_the_resident_is_recognised_in_a_reply() {
    for (text, want) in [
        ("问居民 具体在几号楼？", Some("具体在几号楼？")),
        ("問居民：幾號樓？", Some("幾號樓？")),
        ("ask: which building?", Some("which building?")),
        ("ASK：which?", Some("which?")),
        ("asking around", None),
        ("已到场", None),
        ("问题已处理", None),
    ] {
        assert_eq!(strip_ask_resident(text), want, "{text}");
    }
}
