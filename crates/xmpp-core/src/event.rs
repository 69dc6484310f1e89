//! What a connection reports: events, negotiated facts, close reasons and call errors.

use std::fmt;

use xmpp_jid::{BareJid, FullJid};
use xmpp_stanza::{DefinedCondition, SaslCondition, Stanza, StreamCondition};
use xmpp_tls::{ChannelBindingType, TlsVersion};

/// Which side of the stream a connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The initiating entity (a client).
    Client,
    /// The receiving entity (a server).
    Server,
}

/// Something the application should know or answer. Drain with
/// [`Connection::poll_event`](crate::Connection::poll_event) after every call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[expect(
    clippy::large_enum_variant,
    reason = "stanzas are the common event; boxing each would cost an allocation"
)]
pub enum Event {
    /// The TLS handshake completed.
    TlsEstablished {
        /// The negotiated protocol version.
        version: TlsVersion,
    },
    /// SASL succeeded ([RFC 6120 §6.4.6](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.6)).
    /// On the client, only after the server's proof checked out.
    Authenticated {
        /// The mechanism name, for example `SCRAM-SHA-256-PLUS`.
        mechanism: String,
        /// The channel binding used (`None` for a mechanism without binding).
        channel_binding: Option<ChannelBindingType>,
        /// The authenticated account.
        jid: BareJid,
    },
    /// Server role: a SASL attempt failed and `<failure/>` went out
    /// ([RFC 6120 §6.4.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.5)); for
    /// logging and rate limiting. The stream stays open for another attempt until the
    /// configured maximum. Nothing here is verified.
    AuthFailed {
        /// The mechanism the client asked for, if the failure belongs to an `<auth/>`.
        mechanism: Option<String>,
        /// The username the client claimed (PLAIN and SCRAM), if it could be read.
        username: Option<String>,
        /// The condition sent.
        condition: SaslCondition,
    },
    /// Server role: the client asks to bind a resource
    /// ([RFC 6120 §7](https://www.rfc-editor.org/rfc/rfc6120#section-7)). Answer with
    /// [`Connection::accept_bind`](crate::Connection::accept_bind) or
    /// [`Connection::refuse_bind`](crate::Connection::refuse_bind).
    BindRequested {
        /// The authenticated account.
        jid: BareJid,
        /// The resourcepart the client asked for (already prepared), if any.
        requested: Option<String>,
        /// What to bind unless the application prefers otherwise: the requested
        /// resourcepart, or a fresh random one when none was requested.
        suggested: String,
    },
    /// The stream is ready for stanzas.
    Online {
        /// Client: the bound JID. Server: the client's full JID, reported once the
        /// resource is bound or, with
        /// [`LegacySession::Required`](crate::LegacySession::Required), once the
        /// session request is answered.
        jid: FullJid,
    },
    /// Server-to-server role: the stream is ready
    /// ([RFC 6120 §9.2](https://www.rfc-editor.org/rfc/rfc6120#section-9.2)). Stanzas go
    /// from the initiating server to the receiving one only.
    S2sOnline {
        /// This server's domain.
        local: BareJid,
        /// The peer's (authenticated) domain.
        remote: BareJid,
    },
    /// A stanza from the peer. On the server its `from` is the client's full JID
    /// ([RFC 6120 §8.1.2.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.2.1)); on
    /// a receiving server-to-server stream it is as sent, of the authenticated domain
    /// ([§8.1.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.2.2)).
    Stanza(Stanza),
    /// Client role: the server redirects to another host
    /// ([RFC 6120 §4.9.3.19](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.19)).
    /// A [`Event::Closed`] follows.
    SeeOtherHost {
        /// Host name or IP address (IPv6 without brackets).
        host: String,
        /// Port, if the server named one.
        port: Option<u16>,
    },
    /// The connection is over: the last event. Drain
    /// [`Connection::poll_transmit`](crate::Connection::poll_transmit) once more, then
    /// close the socket.
    Closed(CloseReason),
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// Both sides sent `</stream:stream>`
    /// ([RFC 6120 §4.4](https://www.rfc-editor.org/rfc/rfc6120#section-4.4)).
    Graceful,
    /// A stream error ([RFC 6120 §4.9](https://www.rfc-editor.org/rfc/rfc6120#section-4.9)).
    StreamError {
        /// The condition.
        condition: StreamCondition,
        /// Descriptive text, if any.
        text: Option<String>,
        /// Whether the peer sent it (else we did).
        by_peer: bool,
    },
    /// The transport ended without a closing tag (or after ours only).
    Eof,
    /// A timer ran out.
    Timeout(TimeoutKind),
    /// TLS failed (handshake, alert, certificate).
    Tls(String),
    /// Client role: authentication failed and no other mechanism may be tried.
    AuthFailed {
        /// The SASL condition ([RFC 6120 §6.5](https://www.rfc-editor.org/rfc/rfc6120#section-6.5)).
        condition: SaslCondition,
        /// Whether the server reported it (else our side found the problem, for
        /// example a wrong server signature or no acceptable mechanism).
        by_peer: bool,
    },
    /// Client role: resource binding failed.
    BindFailed {
        /// The stanza error condition from the server.
        condition: DefinedCondition,
    },
    /// The negotiation could not continue (see the variant).
    Negotiation(NegotiationFailure),
    /// The application called [`Connection::close`](crate::Connection::close) before
    /// the stream was open, so there was nothing to close gracefully.
    Aborted,
}

/// Which timer ended a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Not online within the negotiation deadline.
    Negotiation,
    /// No answer to a ping.
    Ping,
    /// No closing tag from the peer after ours.
    Close,
}

/// Why the client (or server) gave up on the negotiation without a stream error from
/// either side.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NegotiationFailure {
    /// TLS is required but the server did not offer STARTTLS (possibly stripped).
    TlsNotOffered,
    /// The server requires TLS but this client has none configured.
    PeerRequiresTls,
    /// The server answered `<starttls/>` with `<failure/>`
    /// ([RFC 6120 §5.4.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.2.2)).
    StartTlsFailure,
    /// Bytes followed `<proceed/>` before TLS (an injection attempt,
    /// [RFC 6120 §5.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.3.1)).
    PlaintextInjection,
    /// The server offered nothing this client may authenticate with.
    NoMechanism,
    /// The server offered no resource binding after authentication.
    BindNotOffered,
    /// The peer sent something the negotiation does not allow at this point.
    Unexpected(String),
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloseReason::Graceful => f.write_str("closed gracefully"),
            CloseReason::StreamError {
                condition,
                text,
                by_peer,
            } => {
                let who = if *by_peer { "peer" } else { "local" };
                write!(f, "{who} stream error <{}/>", condition.as_str())?;
                if let Some(t) = text {
                    write!(f, ": {t}")?;
                }
                Ok(())
            }
            CloseReason::Eof => f.write_str("connection closed by peer without closing tag"),
            CloseReason::Timeout(k) => write!(f, "timeout ({k:?})"),
            CloseReason::Tls(e) => write!(f, "TLS failure: {e}"),
            CloseReason::AuthFailed { condition, by_peer } => {
                let who = if *by_peer { "server" } else { "client" };
                write!(f, "authentication failed ({who}): {condition}")
            }
            CloseReason::BindFailed { condition } => {
                write!(f, "resource binding failed: {}", condition.as_str())
            }
            CloseReason::Negotiation(n) => write!(f, "negotiation failed: {n:?}"),
            CloseReason::Aborted => f.write_str("closed before the stream was open"),
        }
    }
}

/// Facts negotiated so far ([`Connection::negotiated`](crate::Connection::negotiated)).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Negotiated {
    /// TLS version, once TLS is up.
    pub tls_version: Option<TlsVersion>,
    /// The SASL mechanism, once authenticated.
    pub mechanism: Option<String>,
    /// The channel binding used by the mechanism.
    pub channel_binding: Option<ChannelBindingType>,
    /// The channel-binding types the server advertised per
    /// [XEP-0440](https://xmpp.org/extensions/xep-0440.html) (client role), or
    /// advertises (server role); `None` when not advertised.
    pub advertised_channel_bindings: Option<Vec<String>>,
    /// The authenticated account.
    pub authenticated: Option<BareJid>,
    /// The bound full JID.
    pub jid: Option<FullJid>,
    /// The current stream id.
    pub stream_id: Option<String>,
    /// Whether a legacy session was established.
    pub session: bool,
}

/// Why [`Connection::send`](crate::Connection::send) refused a stanza.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendError {
    /// The stream is not online yet.
    NotOnline,
    /// The connection is closing or closed.
    Closed,
    /// The output buffer would exceed its limit; drain
    /// [`Connection::poll_transmit`](crate::Connection::poll_transmit) first.
    BufferFull {
        /// Bytes already buffered.
        pending: usize,
        /// Size of the refused stanza.
        needed: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A receiving server-to-server stream carries stanzas the other way only
    /// ([RFC 6120 §4.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.1)).
    ReceiveOnly,
    /// On a server-to-server stream the stanza's addresses do not fit the stream
    /// ([RFC 6120 §8.1.1.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.1.2),
    /// [§8.1.2.2](https://www.rfc-editor.org/rfc/rfc6120#section-8.1.2.2)); nothing was
    /// sent.
    Addressing {
        /// The stream error the receiving server would answer with.
        condition: StreamCondition,
    },
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::NotOnline => f.write_str("the stream is not online"),
            SendError::Closed => f.write_str("the connection is closed"),
            SendError::BufferFull {
                pending,
                needed,
                limit,
            } => write!(
                f,
                "output buffer full: {pending} bytes pending, {needed} more, limit {limit}"
            ),
            SendError::ReceiveOnly => {
                f.write_str("a receiving server-to-server stream sends no stanzas")
            }
            SendError::Addressing { condition } => write!(
                f,
                "the stanza's addresses do not fit this stream (<{}/>)",
                condition.as_str()
            ),
        }
    }
}

impl std::error::Error for SendError {}

/// A call that does not fit the connection's state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallError {
    /// Only the server role answers bind requests.
    NotServer,
    /// No bind request is waiting for an answer.
    NoBindPending,
    /// The resourcepart is not valid ([RFC 7622 §3.4](https://www.rfc-editor.org/rfc/rfc7622#section-3.4)).
    InvalidResource,
    /// The connection is closing or closed.
    Closed,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CallError::NotServer => "only the server role answers bind requests",
            CallError::NoBindPending => "no bind request is pending",
            CallError::InvalidResource => "invalid resourcepart",
            CallError::Closed => "the connection is closed",
        })
    }
}

impl std::error::Error for CallError {}
