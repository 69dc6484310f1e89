//! The timer table: one optional deadline per kind, the earliest is the next wake-up.

use std::time::Instant;

/// The timers a connection runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// Online deadline.
    Negotiation,
    /// Send a whitespace keepalive.
    Keepalive,
    /// Send a ping (receive silence).
    Ping,
    /// A ping is unanswered.
    PingTimeout,
    /// The peer's closing tag is overdue.
    Close,
}

const ALL: [Timer; 5] = [
    Timer::Negotiation,
    Timer::Keepalive,
    Timer::Ping,
    Timer::PingTimeout,
    Timer::Close,
];

#[derive(Debug, Clone, Default)]
pub(crate) struct Timers {
    deadlines: [Option<Instant>; 5],
}

impl Timers {
    pub(crate) fn set(&mut self, t: Timer, at: Option<Instant>) {
        self.deadlines[t as usize] = at;
    }

    pub(crate) fn get(&self, t: Timer) -> Option<Instant> {
        self.deadlines[t as usize]
    }

    pub(crate) fn clear_all(&mut self) {
        self.deadlines = [None; 5];
    }

    pub(crate) fn next(&self) -> Option<Instant> {
        self.deadlines.iter().flatten().min().copied()
    }

    /// The first expired timer, removed from the table.
    pub(crate) fn take_expired(&mut self, now: Instant) -> Option<Timer> {
        let t = ALL
            .into_iter()
            .find(|t| self.get(*t).is_some_and(|d| d <= now))?;
        self.set(t, None);
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    #[expect(
        clippy::disallowed_methods,
        reason = "a test needs some instant to start from"
    )]
    fn earliest_and_expiry() {
        let t0 = Instant::now();
        let mut t = Timers::default();
        assert_eq!(t.next(), None);
        t.set(Timer::Close, Some(t0 + Duration::from_secs(5)));
        t.set(Timer::Ping, Some(t0 + Duration::from_secs(2)));
        assert_eq!(t.next(), Some(t0 + Duration::from_secs(2)));
        assert_eq!(t.take_expired(t0), None);
        assert_eq!(
            t.take_expired(t0 + Duration::from_secs(3)),
            Some(Timer::Ping)
        );
        assert_eq!(t.take_expired(t0 + Duration::from_secs(3)), None);
        assert_eq!(
            t.take_expired(t0 + Duration::from_secs(9)),
            Some(Timer::Close)
        );
        assert_eq!(t.next(), None);
    }
}
