#![doc = include_str!("../README.md")]
#![no_std]

extern crate alloc;

mod bind;
mod error;
mod features;
mod header;
mod iq;
mod message;
pub mod ns;
mod packet;
mod presence;
mod sasl;
mod session;
mod stanza;
mod stanza_error;
mod starttls;
mod stream_error;
mod text;
mod util;
mod write;

pub use bind::Bind;
pub use error::ParseError;
pub use features::{
    ChannelBindingTypes, Mechanisms, SessionFeature, StartTlsFeature, StreamFeatures,
};
pub use header::{HeaderRule, Role, StreamHeader, Version};
pub use iq::{Iq, IqPayload, IqType};
pub use message::{Message, MessageType, Thread};
pub use ns::ContentNs;
pub use packet::Packet;
pub use presence::{Presence, PresenceType, Show};
pub use sasl::{Auth, Sasl, SaslCondition, SaslFailure};
pub use session::SessionRequest;
pub use stanza::Stanza;
pub use stanza_error::{DefinedCondition, ErrorType, StanzaError};
pub use starttls::StartTls;
pub use stream_error::{OtherHost, StreamCondition, StreamError};
pub use text::LangText;
