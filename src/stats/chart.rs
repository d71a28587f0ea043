//! The `/stats` chart: per child unit or department, a bar of its response rate and a bar of
//! its median time to resolve, drawn with plotters on an in-memory bitmap and encoded as PNG.
//!
//! The font is WenQuanYi Micro Hei (文泉驿微米黑, `wqy-microhei.ttc` from Debian's
//! `fonts-wqy-microhei` 0.2.0-beta-3.1), © 2007 WenQuanYi Board of Trustees and contributors,
//! licensed under the Apache License 2.0 (or GPL-3+ with the font exception; we use it under
//! Apache-2.0). Embedded so that the chart draws the same on any machine: CJK names need it.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::FontStyle;

/// The embedded CJK font (a TrueType collection; face 0 is Micro Hei).
pub static FONT: &[u8] = include_bytes!("wqy-microhei.ttc");
const FONT_NAME: &str = "wqy-microhei";

/// What a chart shows: plain data, drawn by `render_png`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartModel {
    pub title: String,
    /// The headings of the two columns of bars.
    pub response_heading: String,
    pub median_heading: String,
    pub bars: Vec<Bar>,
}

/// One row: a unit or department, its response rate in percent and its median time to
/// resolve in hours (`None`: too few cases, or none).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub response_pct: Option<f64>,
    pub median_hours: Option<f64>,
}

/// At most this many rows are drawn (the text table has them all).
pub const MAX_BARS: usize = 24;
pub const WIDTH: u32 = 960;
const ROW: u32 = 34;
const TOP: u32 = 90;

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("drawing failed: {0}")]
    Draw(String),
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// The chart's height for `n` rows.
pub fn height(n: usize) -> u32 {
    TOP + ROW * (n.clamp(1, MAX_BARS) as u32) + 30
}

fn font_ready() -> Result<(), ChartError> {
    static READY: OnceLock<bool> = OnceLock::new();
    let ok = *READY
        .get_or_init(|| plotters::style::register_font(FONT_NAME, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}

/// The characters of `text` the font has no glyph for (they would draw as boxes).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    use ab_glyph::Font;
    let Ok(font) = ab_glyph::FontRef::try_from_slice(FONT) else {
        return text.chars().collect();
    };
    let mut missing: Vec<char> = text
        .chars()
        .filter(|c| !c.is_control() && font.glyph_id(*c).0 == 0)
        .collect();
    missing.dedup();
    missing
}

/// `text` with characters the font lacks (emoji, rare ideographs) left out.
pub fn drawable(text: &str) -> String {
    let missing = missing_glyphs(text);
    text.chars().filter(|c| !missing.contains(c)).collect()
}

fn draw_err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError::Draw(format!("{e:?}"))
}

/// Draws the chart and returns the PNG's bytes.
pub fn render_png(m: &ChartModel) -> Result<Vec<u8>, ChartError> {
    font_ready()?;
    let bars = &m.bars[..m.bars.len().min(MAX_BARS)];
    let (w, h) = (WIDTH, height(bars.len()));
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root =
            BitMapBackend::<plotters::backend::RGBPixel>::with_buffer_and_format(&mut rgb, (w, h))
                .map_err(draw_err)?
                .into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let font = |size: f64| (FONT_NAME, size).into_font();
        let text = |s: &str, x: i32, y: i32, size: f64, color: RGBColor| {
            Text::new(drawable(s), (x, y), font(size).color(&color))
        };
        root.draw(&text(&m.title, 16, 14, 26.0, BLACK))
            .map_err(draw_err)?;
        let (label_w, gap) = (230i32, 24i32);
        let col_w = (w as i32 - label_w - 3 * gap) / 2;
        let col1 = label_w + gap;
        let col2 = col1 + col_w + gap;
        root.draw(&text(&m.response_heading, col1, 56, 18.0, BLACK))
            .map_err(draw_err)?;
        root.draw(&text(&m.median_heading, col2, 56, 18.0, BLACK))
            .map_err(draw_err)?;
        let max_hours = bars
            .iter()
            .filter_map(|b| b.median_hours)
            .fold(0.0f64, f64::max)
            .max(1.0);
        let blue = RGBColor(52, 120, 198);
        let orange = RGBColor(230, 140, 40);
        let grey = RGBColor(120, 120, 120);
        for (i, b) in bars.iter().enumerate() {
            let y = (TOP + ROW * i as u32) as i32;
            root.draw(&text(&b.label, 16, y + 6, 18.0, BLACK))
                .map_err(draw_err)?;
            let bar = |x0: i32, value: Option<f64>, max: f64, color: RGBColor, shown: String| {
                let usable = col_w - 80;
                if let Some(v) = value {
                    let len = ((v / max).clamp(0.0, 1.0) * usable as f64).round() as i32;
                    root.draw(&Rectangle::new(
                        [(x0, y + 4), (x0 + len.max(1), y + ROW as i32 - 6)],
                        color.filled(),
                    ))
                    .map_err(draw_err)?;
                    root.draw(&text(&shown, x0 + len + 6, y + 6, 16.0, BLACK))
                        .map_err(draw_err)
                } else {
                    root.draw(&text("—", x0, y + 6, 16.0, grey))
                        .map_err(draw_err)
                }
            };
            bar(
                col1,
                b.response_pct,
                100.0,
                blue,
                format!("{:.0}%", b.response_pct.unwrap_or(0.0)),
            )?;
            bar(
                col2,
                b.median_hours,
                max_hours,
                orange,
                format!("{:.1} h", b.median_hours.unwrap_or(0.0)),
            )?;
        }
        root.present().map_err(draw_err)?;
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc
            .write_header()
            .map_err(|e| ChartError::Encode(e.to_string()))?;
        writer
            .write_image_data(&rgb)
            .map_err(|e| ChartError::Encode(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(n: usize) -> ChartModel {
        ChartModel {
            title: "华山街道 · 2026-11".into(),
            response_heading: "报到率 %".into(),
            median_heading: "办结用时中位数（小时）".into(),
            bars: (0..n)
                .map(|i| Bar {
                    label: format!("翠湖社区第{}网格", i + 1),
                    response_pct: (i % 3 != 0).then_some(10.0 * i as f64),
                    median_hours: (i % 4 != 1).then_some(1.5 * i as f64),
                })
                .collect(),
        }
    }

    #[test]
    fn the_png_has_its_signature_size_and_decodes() {
        for n in [0, 1, 9, 40] {
            let bytes = render_png(&model(n)).unwrap();
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "signature");
            let decoder = png::Decoder::new(bytes.as_slice());
            let mut reader = decoder.read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size()];
            let info = reader.next_frame(&mut buf).unwrap();
            assert_eq!((info.width, info.height), (WIDTH, height(n)), "{n} bars");
            // Something was drawn: not every pixel is white.
            assert!(buf[..info.buffer_size()].iter().any(|b| *b != 255));
            // Telegram takes photos up to 10 MB; these are far below.
            assert!(bytes.len() < 1_000_000, "{}", bytes.len());
        }
    }

    #[test]
    fn the_font_has_every_character_of_names_and_headings() {
        let org =
            crate::domain::org::parse_org(include_str!("../../examples/huashan.toml")).unwrap();
        let mut texts: Vec<String> = org.units.iter().map(|u| u.name.clone()).collect();
        texts.extend(org.departments.iter().map(|d| d.name.clone()));
        for lang in crate::domain::Lang::ALL {
            use crate::i18n::ids;
            texts.push(crate::tr!(lang, ids::STATS_CHART_RESPONSE));
            texts.push(crate::tr!(lang, ids::STATS_CHART_MEDIAN));
            texts.push("0123456789.% h —·".into());
        }
        for t in texts {
            assert_eq!(missing_glyphs(&t), Vec::<char>::new(), "{t}");
        }
        // An emoji is not in the font: it is left out rather than drawn as a box.
        assert_eq!(missing_glyphs("📊华山"), vec!['📊']);
        assert_eq!(drawable("📊华山"), "华山");
    }
}
