//! Replays a transcript against one role: the other side's lines are a scripted peer.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use xmpp_core::deps::xmpp_stanza::Stanza;
use xmpp_core::{Connection, Event, MemoryStore};

use crate::config;
use crate::events;
use crate::format::{Command, Mods, Side, Step, StepKind, Transcript};
use crate::xml::{self, OutputReader};

/// The wire-line body that stands for a whitespace keepalive.
pub const KEEPALIVE: &str = "(whitespace keepalive)";

/// How the scripted peer's bytes reach `handle_input`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// Consecutive peer lines in one call.
    Coalesced,
    /// One call per peer line.
    PerLine,
    /// One call per byte.
    Bytewise,
    /// Every peer line split in two calls at this offset (lines not longer: one call).
    SplitAt(usize),
}

struct Run<'a> {
    t: &'a Transcript,
    role: Side,
    feed: Feed,
    conn: Connection,
    now: Instant,
    out: OutputReader,
    events: VecDeque<Event>,
    /// (transcript literal, value our side chose) from `vary=` attributes.
    subst: Vec<(String, String)>,
    pending_in: Vec<u8>,
    at: String,
}

/// The peer bytes of a wire line: the line as written (continuations joined with
/// line feeds), a keepalive as one space.
fn peer_bytes(text: &str) -> Vec<u8> {
    if text == KEEPALIVE {
        b" ".to_vec()
    } else {
        text.as_bytes().to_vec()
    }
}

impl Run<'_> {
    fn err(&self, msg: impl std::fmt::Display) -> String {
        format!(
            "{} at {} (as {}, {:?}): {msg}",
            self.t.name,
            self.at,
            self.role.name(),
            self.feed
        )
    }

    fn subst(&self, text: &str) -> String {
        let mut s = text.to_owned();
        for (from, to) in &self.subst {
            s = s.replace(from.as_str(), to);
        }
        s
    }

    fn drain(&mut self) {
        let mut buf = Vec::new();
        self.conn.poll_transmit(&mut buf);
        if std::env::var_os("GOLDEN_DEBUG").is_some() && !buf.is_empty() {
            eprintln!(
                "[{} wrote] {}",
                self.role.name(),
                String::from_utf8_lossy(&buf)
            );
        }
        self.out.push(&buf);
        while let Some(e) = self.conn.poll_event() {
            self.events.push_back(e);
        }
    }

    /// Nothing unmatched may be left before the next input, command or clock step.
    fn check_quiet(&mut self) -> Result<(), String> {
        self.drain();
        if !self.out.pending().is_empty() {
            return Err(self.err(format!(
                "our side wrote bytes the transcript does not show here: {:?}",
                String::from_utf8_lossy(self.out.pending())
            )));
        }
        if let Some(e) = self.events.front() {
            return Err(self.err(format!("unexpected event: {}", events::render(e))));
        }
        Ok(())
    }

    fn input(&mut self, bytes: &[u8]) {
        self.conn.handle_input(self.now, bytes);
        self.drain();
    }

    fn feed_peer(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.check_quiet()?;
        match self.feed {
            Feed::Coalesced | Feed::PerLine => self.input(bytes),
            Feed::Bytewise => {
                for b in bytes {
                    self.input(std::slice::from_ref(b));
                }
            }
            Feed::SplitAt(k) if k < bytes.len() => {
                self.input(&bytes[..k]);
                self.input(&bytes[k..]);
            }
            Feed::SplitAt(_) => self.input(bytes),
        }
        Ok(())
    }

    fn flush_in(&mut self) -> Result<(), String> {
        if !self.pending_in.is_empty() {
            let bytes = std::mem::take(&mut self.pending_in);
            self.feed_peer(&bytes)?;
        }
        Ok(())
    }

    fn expect_output(&mut self, text: &str, mods: &Mods) -> Result<(), String> {
        self.drain();
        if text == KEEPALIVE {
            return if self.out.take_whitespace() > 0 {
                Ok(())
            } else {
                Err(self.err("expected a whitespace keepalive from our side"))
            };
        }
        let text = self.subst(text);
        let expected = xml::parse_frames(&text).map_err(|e| self.err(e))?;
        for (i, want) in expected.iter().enumerate() {
            let got = match self.out.next_frame() {
                Ok(Some(f)) => f,
                Ok(None) => {
                    return Err(self.err(format!(
                        "our side has not written the expected frame {}; written so far: {:?}",
                        xml::render_frame(want, None),
                        String::from_utf8_lossy(self.out.pending())
                    )));
                }
                Err(e) => return Err(self.err(e)),
            };
            let m = (i == 0).then_some(mods);
            let mut want_r = xml::render_frame(want, m);
            if let Some(m) = m {
                for name in &m.vary {
                    let (Some(lit), Some(actual)) =
                        (xml::frame_attr(want, name), xml::frame_attr(&got, name))
                    else {
                        return Err(self.err(format!("vary={name}: attribute missing")));
                    };
                    if lit != actual {
                        want_r = want_r
                            .replace(&format!(" {name}={lit:?}"), &format!(" {name}={actual:?}"));
                        if lit.len() >= 4 {
                            self.subst.push((lit.to_owned(), actual.to_owned()));
                        }
                    }
                }
            }
            let got_r = xml::render_frame(&got, None);
            if want_r != got_r {
                return Err(self.err(format!(
                    "output mismatch\n  expected: {want_r}\n  actual:   {got_r}"
                )));
            }
        }
        Ok(())
    }

    fn app_send(&mut self, text: &str) -> Result<(), String> {
        let text = self.subst(text);
        let e = xml::parse_element(&text).map_err(|e| self.err(e))?;
        let s = Stanza::parse(e.as_ref()).map_err(|e| self.err(format!("not a stanza: {e}")))?;
        self.conn
            .send(self.now, s)
            .map_err(|e| self.err(format!("send failed: {e}")))
    }

    fn command(&mut self, c: &Command) -> Result<(), String> {
        match c {
            Command::Close => self.conn.close(self.now),
            // The replayed side's driver drops its socket: nothing to tell the
            // connection.
            Command::Eof => {}
            Command::AcceptBind(r) => self
                .conn
                .accept_bind(self.now, r)
                .map_err(|e| self.err(format!("accept_bind: {e}")))?,
            Command::RefuseBind(c) => {
                let c = config::condition(c).map_err(|e| self.err(e))?;
                self.conn
                    .refuse_bind(self.now, c)
                    .map_err(|e| self.err(format!("refuse_bind: {e}")))?;
            }
        }
        self.drain();
        Ok(())
    }

    fn step(&mut self, s: &Step) -> Result<(), String> {
        self.at.clone_from(&s.at);
        let ours = self.role;
        match &s.kind {
            StepKind::Wire {
                side, text, mods, ..
            } if *side != ours => {
                let mut bytes = peer_bytes(&self.subst(text));
                if mods.newline {
                    bytes.push(b'\n');
                }
                if self.feed == Feed::Coalesced {
                    self.pending_in.extend_from_slice(&bytes);
                    Ok(())
                } else {
                    self.feed_peer(&bytes)
                }
            }
            StepKind::Wire {
                text, mods, app, ..
            } => {
                if mods.newline {
                    return Err(self.err("`newline` is for lines fed to the peer"));
                }
                self.flush_in()?;
                if *app {
                    self.check_quiet()?;
                    self.app_send(text)?;
                }
                self.expect_output(text, mods)
            }
            StepKind::Event { side, text } if *side == ours => {
                self.flush_in()?;
                self.drain();
                let Some(e) = self.events.pop_front() else {
                    return Err(self.err(format!("expected event `{text}`, none reported")));
                };
                events::matches(&self.subst(text), &e).map_err(|m| self.err(m))
            }
            StepKind::Event { .. } => Ok(()),
            StepKind::Command { side, command } if *side == ours => {
                self.flush_in()?;
                self.check_quiet()?;
                self.command(command)
            }
            StepKind::Command {
                command: Command::Eof,
                ..
            } => {
                self.flush_in()?;
                self.check_quiet()?;
                self.conn.handle_eof(self.now);
                self.drain();
                Ok(())
            }
            StepKind::Command { .. } => Ok(()),
            StepKind::Clock(d) => {
                self.flush_in()?;
                self.check_quiet()?;
                self.now += *d;
                self.conn.handle_timeout(self.now);
                self.drain();
                Ok(())
            }
        }
    }
}

/// Replays `t` as `role` with the peer's bytes delivered per `feed`.
pub fn replay(
    t: &Transcript,
    role: Side,
    feed: Feed,
    store: &Arc<MemoryStore>,
    start: Instant,
) -> Result<(), String> {
    let conn = match role {
        Side::Client => Connection::client(config::client(t)?, start),
        Side::Server => Connection::server(config::server(t, store)?, start),
    };
    let mut run = Run {
        t,
        role,
        feed,
        conn,
        now: start,
        out: OutputReader::new(),
        events: VecDeque::new(),
        subst: Vec::new(),
        pending_in: Vec::new(),
        at: "start".into(),
    };
    run.drain();
    for s in &t.steps {
        run.step(s)?;
    }
    run.flush_in()?;
    run.at = "end".into();
    run.check_quiet()
}

/// The longest peer line for `role`, which bounds the split offsets worth trying.
pub fn longest_peer_line(t: &Transcript, role: Side) -> usize {
    t.steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::Wire {
                side, text, mods, ..
            } if *side != role => Some(peer_bytes(text).len() + usize::from(mods.newline)),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}
