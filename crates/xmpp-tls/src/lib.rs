#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod buffers;
mod channel_binding;
mod direct;
mod engine;
mod error;
mod handshake;
mod rustls_engine;
mod starttls;

pub use buffers::BufferLimits;
pub use channel_binding::{
    ChannelBindingType, ChannelBindings, TLS_EXPORTER_LABEL, TLS_EXPORTER_LEN, Unavailable,
    server_end_point,
};
pub use direct::{ALPN_XMPP_CLIENT, ALPN_XMPP_SERVER, DirectState, DirectTls, StreamKind};
pub use engine::{HandshakeState, Role, TlsEngine, TlsVersion};
pub use error::{NegotiationError, TlsError, TlsErrorKind};
pub use rustls_engine::RustlsEngine;
pub use starttls::{
    Initiator, InitiatorAction, InitiatorState, NS_TLS, Receiver, ReceiverAction, ReceiverState,
    TlsPolicy, failure, proceed, starttls_feature, starttls_request,
};

/// The rustls version this crate's [`RustlsEngine`] is built on, re-exported so the
/// application builds its configuration with the same types.
pub use rustls;
