//! Liveness for `/healthz`: each loop of the bot (poller, processor, sender, scheduler) beats a
//! heartbeat as it goes round; a loop that has not beaten within its expected interval, or has
//! ended, is dead. The loops call `crate::metrics::heartbeat()`, which finds the loop it runs in
//! through a task-local set by `Health::watch`, so several bots in one process (tests) each
//! have their own.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A loop `/healthz` watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Loop {
    Poller,
    Processor,
    Sender,
    Scheduler,
}

impl Loop {
    pub fn as_str(self) -> &'static str {
        match self {
            Loop::Poller => "poller",
            Loop::Processor => "processor",
            Loop::Sender => "sender",
            Loop::Scheduler => "scheduler",
        }
    }

    /// How long the loop may go without a beat: its longest sleep (the poller's long poll and
    /// backoff, the sender's 30 s, the scheduler's minute, the processor's 5 s) plus room for
    /// a slow round.
    pub fn limit(self) -> Duration {
        Duration::from_secs(match self {
            Loop::Poller => 120,
            Loop::Processor => 60,
            Loop::Sender => 90,
            Loop::Scheduler => 180,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Beat {
    last: Instant,
    ended: bool,
}

#[derive(Default)]
struct Inner {
    stopping: AtomicBool,
    beats: Mutex<BTreeMap<Loop, Beat>>,
}

/// The health of one running bot: its loops' heartbeats and whether it is stopping.
#[derive(Clone, Default)]
pub struct Health(Arc<Inner>);

tokio::task_local! {
    static CURRENT: (Health, Loop);
}

/// Beats the heartbeat of the loop this task runs (nothing outside a watched loop).
pub fn beat() {
    let _ = CURRENT.try_with(|(health, which)| health.beat_at(*which, Instant::now()));
}

impl Health {
    /// Runs `f` as loop `which`: it counts as alive from now, beats through `beat()`, and is
    /// dead once `f` ends (unless the bot is stopping).
    pub fn watch<F: Future<Output = ()>>(
        &self,
        which: Loop,
        f: F,
    ) -> impl Future<Output = ()> + use<F> {
        self.beat_at(which, Instant::now());
        let health = self.clone();
        async move {
            CURRENT.scope((health.clone(), which), f).await;
            if let Ok(mut beats) = health.0.beats.lock() {
                if let Some(b) = beats.get_mut(&which) {
                    b.ended = true;
                }
            }
        }
    }

    pub fn beat_at(&self, which: Loop, at: Instant) {
        if let Ok(mut beats) = self.0.beats.lock() {
            let b = beats.entry(which).or_insert(Beat {
                last: at,
                ended: false,
            });
            b.last = b.last.max(at);
        }
    }

    /// From now on the bot takes no updates: the webhook answers 503 so Telegram tries again
    /// (elsewhere or later), and `/healthz` says so.
    pub fn set_stopping(&self) {
        self.0.stopping.store(true, Ordering::SeqCst);
    }

    pub fn stopping(&self) -> bool {
        self.0.stopping.load(Ordering::SeqCst)
    }

    /// The loops' verdict at `now`: Ok, or why not (every dead loop named).
    pub fn loops_at(&self, now: Instant) -> Result<(), String> {
        if self.stopping() {
            return Err("stopping".into());
        }
        let beats = self
            .0
            .beats
            .lock()
            .map_err(|_| "heartbeats unreadable".to_string())?;
        let dead: Vec<String> = beats
            .iter()
            .filter_map(|(which, b)| {
                if b.ended {
                    Some(format!("{} loop ended", which.as_str()))
                } else {
                    let quiet = now.saturating_duration_since(b.last);
                    (quiet > which.limit()).then(|| {
                        format!("{} loop silent for {} s", which.as_str(), quiet.as_secs())
                    })
                }
            })
            .collect();
        if dead.is_empty() {
            Ok(())
        } else {
            Err(dead.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_is_dead_after_its_interval_without_a_beat_and_alive_again_when_it_beats() {
        let h = Health::default();
        let t0 = Instant::now();
        h.beat_at(Loop::Sender, t0);
        h.beat_at(Loop::Scheduler, t0);
        assert_eq!(h.loops_at(t0 + Duration::from_secs(89)), Ok(()));
        let later = t0 + Duration::from_secs(91);
        assert_eq!(
            h.loops_at(later),
            Err("sender loop silent for 91 s".to_string())
        );
        h.beat_at(Loop::Sender, later);
        assert_eq!(h.loops_at(later), Ok(()));
    }

    #[tokio::test]
    async fn a_watched_loop_beats_through_the_task_local_and_is_dead_when_it_ends() {
        let h = Health::default();
        let t0 = Instant::now();
        // Outside a watched loop a beat goes nowhere.
        beat();
        assert_eq!(h.loops_at(t0), Ok(()));
        h.watch(Loop::Poller, async { beat() }).await;
        assert_eq!(
            h.loops_at(Instant::now()),
            Err("poller loop ended".to_string())
        );
        h.set_stopping();
        assert_eq!(h.loops_at(Instant::now()), Err("stopping".to_string()));
    }
}
