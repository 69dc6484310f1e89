//! A blocking client session: one `Connection` driven over one `std::net::TcpStream`.
//!
//! The caller asks for "the next event, but not after this deadline"; in between, the
//! session moves bytes and the clock into the connection. It is the loop of
//! `std_client.rs` with the event handling turned inside out, so that a program can be
//! written as a sequence of steps (log in, send, wait for a reply, close).

use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use xmpp_core::{ClientConfig, CloseReason, Connection, Event, SendError};
use xmpp_stanza::Stanza;

/// Why a step did not complete.
#[derive(Debug)]
pub enum Failure {
    /// The connection ended (the typed reason from the library).
    Closed(CloseReason),
    /// The deadline passed while waiting for `what`.
    Deadline(&'static str),
    /// The socket failed outside the connection (connect, configuration).
    Io(io::Error),
    /// The library refused a stanza.
    Send(SendError),
    /// The server answered a stanza with a stanza error of this condition
    /// ([RFC 6120 §8.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3)).
    StanzaError(String),
    /// Something outside the protocol went wrong (configuration, environment).
    Setup(String),
}

impl Failure {
    /// The protocol condition behind the failure, when there is one: the name a test
    /// harness matches on (`host-unknown`, `not-authorized`, ...).
    pub fn condition(&self) -> Option<String> {
        match self {
            Failure::Closed(CloseReason::StreamError { condition, .. }) => {
                Some(condition.as_str().to_owned())
            }
            Failure::Closed(CloseReason::AuthFailed { condition, .. }) => {
                Some(condition.as_str().to_owned())
            }
            Failure::Closed(CloseReason::BindFailed { condition }) => {
                Some(condition.as_str().to_owned())
            }
            Failure::Closed(CloseReason::Timeout(_)) | Failure::Deadline(_) => {
                Some("timeout".to_owned())
            }
            Failure::Closed(CloseReason::Tls(_)) => Some("tls".to_owned()),
            Failure::StanzaError(condition) => Some(condition.clone()),
            _ => None,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Closed(reason) => write!(f, "{reason}"),
            Failure::Deadline(what) => write!(f, "timed out waiting for {what}"),
            Failure::Io(e) => write!(f, "socket: {e}"),
            Failure::Send(e) => write!(f, "send refused: {e}"),
            Failure::StanzaError(c) => write!(f, "the server answered with a stanza error <{c}/>"),
            Failure::Setup(why) => f.write_str(why),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

/// A connected client.
pub struct Session {
    conn: Connection,
    socket: TcpStream,
    out: Vec<u8>,
    input: Vec<u8>,
    closed: Option<CloseReason>,
    /// When the TCP connect started: login times count from here.
    pub started: Instant,
}

impl Session {
    /// Connects to `addr` (within `connect_timeout`) and starts the stream.
    pub fn connect(
        addr: &str,
        config: ClientConfig,
        connect_timeout: Duration,
    ) -> Result<Session, Failure> {
        let started = Instant::now();
        let mut last = io::Error::new(ErrorKind::NotFound, format!("{addr}: no address"));
        for candidate in addr.to_socket_addrs()? {
            match TcpStream::connect_timeout(&candidate, connect_timeout) {
                Ok(socket) => {
                    // Small stanzas should leave at once, not wait for Nagle.
                    socket.set_nodelay(true)?;
                    let conn = Connection::client(config, Instant::now());
                    return Ok(Session {
                        conn,
                        socket,
                        out: Vec::new(),
                        input: vec![0; 16 * 1024],
                        closed: None,
                        started,
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(Failure::Io(last))
    }

    /// The connection, for its negotiated facts.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The next event, driving the socket until one arrives. `Event::Closed` comes out
    /// as `Err(Failure::Closed(..))`, after the last bytes went out.
    pub fn next_event(&mut self, deadline: Instant, what: &'static str) -> Result<Event, Failure> {
        loop {
            if let Some(event) = self.conn.poll_event() {
                if let Event::Closed(reason) = event {
                    self.flush();
                    let _ = self.socket.shutdown(Shutdown::Both);
                    self.closed = Some(reason.clone());
                    return Err(Failure::Closed(reason));
                }
                return Ok(event);
            }
            if let Some(reason) = &self.closed {
                return Err(Failure::Closed(reason.clone()));
            }
            self.flush();
            let now = Instant::now();
            if now >= deadline {
                return Err(Failure::Deadline(what));
            }
            // Sleep in read() until bytes come or the earlier of the library's timer
            // and our own deadline; zero would mean "block forever" to std.
            let wake = self
                .conn
                .poll_timeout()
                .map_or(deadline, |t| t.min(deadline));
            let wait = wake
                .saturating_duration_since(now)
                .max(Duration::from_millis(1));
            self.socket.set_read_timeout(Some(wait))?;
            match self.socket.read(&mut self.input) {
                Ok(0) => self.conn.handle_eof(Instant::now()),
                Ok(n) => self.conn.handle_input(Instant::now(), &self.input[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    self.conn.handle_timeout(Instant::now());
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => self.conn.handle_eof(Instant::now()),
            }
        }
    }

    /// Sends a stanza and writes it out.
    pub fn send(&mut self, stanza: Stanza) -> Result<(), Failure> {
        self.conn
            .send(Instant::now(), stanza)
            .map_err(Failure::Send)?;
        self.flush();
        Ok(())
    }

    /// Closes gracefully and waits for the peer's closing tag (RFC 6120 §4.4).
    /// Events still arriving meanwhile are dropped.
    pub fn close(&mut self, deadline: Instant) -> Result<(), Failure> {
        self.conn.close(Instant::now());
        loop {
            match self.next_event(deadline, "the server's closing tag") {
                Ok(_) => {}
                Err(Failure::Closed(CloseReason::Graceful)) => return Ok(()),
                Err(other) => return Err(other),
            }
        }
    }

    /// Writes whatever the connection has for the wire. A write error means the peer
    /// is gone: the connection hears of it as end of file.
    fn flush(&mut self) {
        self.out.clear();
        if self.conn.poll_transmit(&mut self.out) == 0 {
            return;
        }
        if self.socket.write_all(&self.out).is_err() {
            self.conn.handle_eof(Instant::now());
        }
    }
}
