#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bindings;
mod client;
mod config;
mod connection;
mod drawn;
mod event;
mod inner;
mod reply;
mod s2s;
mod server;
pub mod testing;
mod timers;

pub use config::{
    ClientConfig, ClientTls, DEFAULT_OUTPUT_LIMIT, LegacySession, ServerConfig, ServerTls,
    Timeouts, TlsMode,
};
pub use connection::Connection;
pub use event::{
    CallError, CloseReason, Event, Negotiated, NegotiationFailure, Role, SendError, TimeoutKind,
};
pub use s2s::{PeerDomainVerifier, S2sConfig, S2sReceiverConfig, WebPkiDomainVerifier};

pub use xmpp_jid::{BareJid, FullJid, Jid};
pub use xmpp_sasl::{
    CredentialStore, Mechanism, MemoryStore, NonceSource, OsNonceSource, PasswordPrep,
    SeededNonceSource, StoredCredentials,
};
pub use xmpp_stanza::{
    DefinedCondition, Iq, Message, Presence, SaslCondition, Stanza, StanzaError, StreamCondition,
};
pub use xmpp_tls::{ChannelBindingType, StreamKind, TlsEngine, TlsVersion, rustls};
pub use xmpp_xml::Limits;

/// The crates this one composes, for types not re-exported above.
pub mod deps {
    pub use xmpp_jid;
    pub use xmpp_sasl;
    pub use xmpp_stanza;
    pub use xmpp_tls;
    pub use xmpp_xml;
}
