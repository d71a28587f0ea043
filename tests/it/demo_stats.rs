//! The demo's statistics scene: a month of history seeded through storage, then `/stats
//! 2026-11` and `/rank` in the sub-district's chat, and the chart written to a file.

use gridwhistle::domain::Lang;
use gridwhistle::i18n::ids;
use gridwhistle::tr;

/// The number after `label` in `line` ("Whistles 64 · …" → 64).
fn count_after(text: &str, label: &str) -> Option<i64> {
    let at = text.find(label)? + label.len();
    text[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

#[tokio::test]
async fn the_demo_ends_with_last_months_figures_the_ranking_and_a_chart_file() {
    let path = gridwhistle::demo::chart_path(Lang::En);
    let _ = std::fs::remove_file(&path);
    let transcript = gridwhistle::demo::run(Lang::En).await.expect("demo");

    // The history is announced between the scenes and the figures.
    let history = transcript.find("── History: ").expect("the history line");
    let stats = transcript.find("/stats 2026-11").expect("/stats is asked");
    assert!(history < stats, "{transcript}");
    let answer = &transcript[stats..];
    assert!(
        answer.contains("📊 华山街道 · 2026-11\n   Whistles "),
        "{answer}"
    );
    // Non-zero figures: whistles, parties, reports, resolutions, escalations, residents' answers.
    for label in [
        "Whistles",
        "resolved",
        "closed",
        "Parties summoned",
        "reported",
        "Escalated to community",
    ] {
        let n = count_after(answer, label).unwrap_or_default();
        assert!(n > 0, "{label} {n}: {answer}");
    }
    // Rates over enough cases show as percentages, not "too few cases".
    for label in [
        "Response rate: ",
        "On-time resolution: ",
        "solved ",
        "satisfaction ",
    ] {
        let n = count_after(answer, label).unwrap_or_default();
        assert!(n > 0 && n <= 100, "{label}{n}%: {answer}");
    }
    assert!(
        answer.contains("By unit:\n   翠湖社区: response "),
        "{answer}"
    );
    // The chart went to the chat as a photo with its caption.
    assert!(
        answer.contains(
            "🖼️ 📊 华山街道 · 2026-11: response rate and median time to resolve, by unit"
        ),
        "{answer}"
    );
    // /rank ranks departments and the two communities with a history.
    let rank = &answer[answer.find("🏆 华山街道 · 2026-11").expect("/rank answer")..];
    assert!(rank.contains("Departments:\n   1. "), "{rank}");
    assert!(rank.contains("Units:\n   1. "), "{rank}");
    assert!(
        rank.contains("2. 翠湖社区") || rank.contains("1. 翠湖社区"),
        "{rank}"
    );

    // The transcript names the file, which holds a PNG.
    let named = tr!(
        Lang::En,
        ids::DEMO_CHART_FILE,
        path = path.display().to_string()
    );
    assert!(transcript.trim_end().ends_with(&named), "{transcript}");
    let png = std::fs::read(&path).expect("the chart file");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 1000, "{}", png.len());
    let reader = png::Decoder::new(png.as_slice())
        .read_info()
        .expect("the chart decodes");
    assert_eq!(reader.info().width, 960);
}
