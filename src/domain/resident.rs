//! A resident's report dialogue, as a pure state machine: what they have sent so far (a
//! description, photos, a place) and what the bot waits for next. The acts store it as a
//! versioned row (`dialogues`) with the update that changed it and the bot's answer.
//!
//! Things may arrive in any order. The first text is the description; a later text, while the
//! bot waits for a place, is the address; a location or venue is the place; photos are added up
//! to the limit. Once a description and a place are known the report is routed.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::geo::Point;
use super::ids::{OrderId, UnitId};

/// How long a dialogue waits in silence before it lapses.
pub const DIALOGUE_TTL_HOURS: i64 = 24;

/// How satisfied a resident is with a resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 满意
    Satisfied,
    /// 基本满意
    Basic,
    /// 不满意
    Dissatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [
        Satisfaction::Satisfied,
        Satisfaction::Basic,
        Satisfaction::Dissatisfied,
    ];

    /// The digit that stands for it in a button.
    pub fn code(self) -> u8 {
        match self {
            Satisfaction::Satisfied => 1,
            Satisfaction::Basic => 2,
            Satisfaction::Dissatisfied => 3,
        }
    }

    pub fn from_code(code: i64) -> Option<Satisfaction> {
        Satisfaction::ALL
            .into_iter()
            .find(|s| i64::from(s.code()) == code)
    }
}

/// Where a place came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Place {
    /// A shared location or venue (with the venue's title and address, if any).
    Point { at: Point, label: Option<String> },
    /// An address typed as text.
    Address { text: String },
}

impl Place {
    pub fn point(&self) -> Option<Point> {
        match self {
            Place::Point { at, .. } => Some(*at),
            Place::Address { .. } => None,
        }
    }

    /// The words to show for it (a venue's title, an address), if any.
    pub fn label(&self) -> Option<&str> {
        match self {
            Place::Point { label, .. } => label.as_deref(),
            Place::Address { text } => Some(text),
        }
    }
}

/// What the bot waits for in a dialogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Gathering the description, photos and place.
    Collecting,
    /// The resident picks the community (page from 0), or the grid within one.
    ChoosingUnit { within: Option<UnitId>, page: u32 },
    /// "The same problem?" about an open order nearby.
    OfferingDuplicate { order: OrderId },
    /// The summary is shown: 确认 / 修改 / 取消.
    Confirming,
    /// The resident pressed "reply" on a question about this order: the next text answers it.
    Answering { order: OrderId },
    /// The resident said an order is not solved: the next text says why.
    Explaining { order: OrderId },
}

/// A resident's dialogue: the report being put together, or a question being answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialogue {
    pub step: Step,
    pub text: Option<String>,
    pub photos: Vec<String>,
    pub place: Option<Place>,
    /// The unit the report goes to, once known (routed, chosen, or from a `/start` link).
    pub unit: Option<UnitId>,
    /// The unit of the `/start` deep link, which narrows the choice.
    pub link_unit: Option<UnitId>,
    /// The album the last photo belonged to: one answer per album.
    pub media_group: Option<String>,
    /// The album whose photos went over the limit, said once.
    #[serde(default)]
    pub full_album: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// What a message added to a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    Text,
    Address,
    /// Photos added; `more_of_album` when the album's earlier photos were answered already.
    Photos {
        more_of_album: bool,
    },
    Place,
    /// Photos over the limit were not taken.
    TooManyPhotos {
        max: usize,
    },
    /// The text is longer than the limit.
    TooLong {
        max: usize,
    },
    /// Nothing the dialogue could use (e.g. an empty message).
    Nothing,
}

/// One message from the resident, reduced to what the dialogue uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    pub text: Option<String>,
    pub photos: Vec<String>,
    pub place: Option<Place>,
    pub media_group: Option<String>,
}

impl Dialogue {
    pub fn new(now: DateTime<Utc>, link_unit: Option<UnitId>) -> Dialogue {
        Dialogue {
            step: Step::Collecting,
            text: None,
            photos: Vec::new(),
            place: None,
            unit: link_unit.clone(),
            link_unit,
            media_group: None,
            full_album: None,
            updated_at: now,
        }
    }

    /// Whether it lapsed: no message for `DIALOGUE_TTL_HOURS`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.updated_at >= Duration::hours(DIALOGUE_TTL_HOURS)
    }

    /// Whether the report has what routing needs: a description and a place (or a unit from
    /// the link, which stands in for the place).
    pub fn complete(&self) -> bool {
        self.text.is_some() && (self.place.is_some() || self.link_unit.is_some())
    }

    /// Adds a message's content. `max_text` counts characters, `max_photos` photos.
    pub fn add(&mut self, input: Input, max_text: usize, max_photos: usize) -> Vec<Added> {
        let mut added = Vec::new();
        let album = input.media_group.clone();
        if !input.photos.is_empty() {
            let more_of_album = album.is_some() && album == self.media_group;
            let room = max_photos.saturating_sub(self.photos.len());
            let taken = input.photos.len().min(room);
            self.photos.extend(input.photos.iter().take(taken).cloned());
            if taken < input.photos.len() {
                let told = album.is_some() && self.full_album == album;
                if !told {
                    added.push(Added::TooManyPhotos { max: max_photos });
                    self.full_album = album.clone();
                }
            } else {
                added.push(Added::Photos { more_of_album });
            }
            self.media_group = album;
        }
        let had_photos = !input.photos.is_empty();
        if let Some(place) = input.place {
            self.place = Some(place);
            added.push(Added::Place);
        }
        if let Some(text) = input.text.filter(|t| !t.trim().is_empty()) {
            let text = text.trim().to_string();
            if text.chars().count() > max_text {
                added.push(Added::TooLong { max: max_text });
            } else if self.text.is_none() {
                self.text = Some(text);
                added.push(Added::Text);
            } else if self.place.is_none() {
                self.place = Some(Place::Address { text });
                added.push(Added::Address);
            } else {
                // Both known: more words for the description.
                let joined = format!("{}\n{}", self.text.take().unwrap_or_default(), text);
                if joined.chars().count() > max_text {
                    added.push(Added::TooLong { max: max_text });
                    self.text = Some(joined.chars().take(max_text).collect());
                } else {
                    self.text = Some(joined);
                    added.push(Added::Text);
                }
            }
        }
        if added.is_empty() && !had_photos {
            added.push(Added::Nothing);
        }
        added
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()
    }

    fn text(t: &str) -> Input {
        Input {
            text: Some(t.into()),
            ..Input::default()
        }
    }

    #[test]
    fn first_text_describes_and_the_next_one_is_the_address() {
        let mut d = Dialogue::new(now(), None);
        assert_eq!(d.add(text("路灯坏了"), 100, 5), vec![Added::Text]);
        assert!(!d.complete());
        assert_eq!(d.add(text("华山路 100 弄"), 100, 5), vec![Added::Address]);
        assert_eq!(d.text.as_deref(), Some("路灯坏了"));
        assert_eq!(
            d.place,
            Some(Place::Address {
                text: "华山路 100 弄".into()
            })
        );
        assert!(d.complete());
    }

    #[test]
    fn a_location_first_leaves_the_text_for_the_description() {
        let mut d = Dialogue::new(now(), None);
        let at = Point {
            lat: 31.21,
            lon: 121.44,
        };
        let loc = Input {
            place: Some(Place::Point { at, label: None }),
            ..Input::default()
        };
        assert_eq!(d.add(loc, 100, 5), vec![Added::Place]);
        assert_eq!(d.add(text("垃圾没人收"), 100, 5), vec![Added::Text]);
        assert!(d.complete());
        assert_eq!(d.place.as_ref().and_then(Place::point), Some(at));
    }

    #[test]
    fn an_album_is_answered_once_and_photos_stop_at_the_limit() {
        let mut d = Dialogue::new(now(), None);
        let photo = |id: &str| Input {
            photos: vec![id.into()],
            media_group: Some("g1".into()),
            ..Input::default()
        };
        assert_eq!(
            d.add(photo("a"), 100, 2),
            vec![Added::Photos {
                more_of_album: false
            }]
        );
        assert_eq!(
            d.add(photo("b"), 100, 2),
            vec![Added::Photos {
                more_of_album: true
            }]
        );
        // The third and fourth are over the limit: said once for the album.
        assert_eq!(
            d.add(photo("c"), 100, 2),
            vec![Added::TooManyPhotos { max: 2 }]
        );
        assert_eq!(d.add(photo("e"), 100, 2), vec![]);
        assert_eq!(d.photos, vec!["a".to_string(), "b".to_string()]);
        let other = Input {
            photos: vec!["d".into()],
            ..Input::default()
        };
        assert_eq!(d.add(other, 100, 2), vec![Added::TooManyPhotos { max: 2 }]);
    }

    #[test]
    fn a_text_over_the_limit_is_refused_and_changes_nothing() {
        let mut d = Dialogue::new(now(), None);
        assert_eq!(
            d.add(text(&"灯".repeat(11)), 10, 5),
            vec![Added::TooLong { max: 10 }]
        );
        assert_eq!(d.text, None);
    }

    #[test]
    fn a_dialogue_lapses_after_a_day_of_silence() {
        let d = Dialogue::new(now(), None);
        assert!(!d.expired(now() + Duration::hours(23)));
        assert!(d.expired(now() + Duration::hours(24)));
    }

    #[test]
    fn a_link_unit_stands_in_for_the_place() {
        let mut d = Dialogue::new(now(), Some(UnitId::checked("cuihu-1")));
        d.add(text("井盖松了"), 100, 5);
        assert!(d.complete());
        assert_eq!(d.unit, Some(UnitId::checked("cuihu-1")));
    }

    #[test]
    fn satisfaction_codes_round_trip() {
        for s in Satisfaction::ALL {
            assert_eq!(Satisfaction::from_code(i64::from(s.code())), Some(s));
        }
        assert_eq!(Satisfaction::from_code(0), None);
        assert_eq!(Satisfaction::from_code(4), None);
    }
}
