//! [`BareJid`]: an address without a resourcepart.

use alloc::borrow::Cow;
use alloc::string::String;

use crate::error::Error;
use crate::{FullJid, Jid, parse};

/// A JID without a resourcepart: `[localpart@]domainpart`
/// ([RFC 6120 §1.4](https://www.rfc-editor.org/rfc/rfc6120#section-1.4)).
///
/// Same storage, comparison and hashing as [`Jid`] (it wraps one), and it borrows as a
/// [`Jid`] and as a `str`.
///
/// ```
/// use xmpp_jid::{BareJid, Jid};
/// let bare: BareJid = "Juliet@Example.com".parse()?;
/// let full = bare.with_resource("balcony")?;
/// assert_eq!(full.as_str(), "juliet@example.com/balcony");
/// assert_eq!(full.to_bare(), bare);
/// assert!("juliet@example.com/balcony".parse::<BareJid>().is_err());
/// let jid: Jid = bare.into();
/// assert!(jid.is_bare());
/// # Ok::<(), xmpp_jid::Error>(())
/// ```
#[derive(Clone)]
pub struct BareJid(pub(crate) Jid);

impl BareJid {
    /// Parses and normalises `s`, which must not have a resourcepart.
    ///
    /// # Errors
    ///
    /// An [`Error`] naming the part that failed and why; [`Error::NotBare`] if `s` has a
    /// resourcepart.
    pub fn new(s: &str) -> Result<BareJid, Error> {
        Jid::new(s)?.try_into_bare()
    }

    /// Builds a bare JID from a localpart and a domainpart, each prepared.
    ///
    /// # Errors
    ///
    /// An [`Error`] naming the part that failed and why.
    pub fn from_parts(localpart: Option<&str>, domainpart: &str) -> Result<BareJid, Error> {
        parse::from_parts(localpart, domainpart, None).map(|(s, layout)| BareJid(Jid { s, layout }))
    }

    /// The normalised string.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The normalised string, by value (no copy).
    pub fn into_string(self) -> String {
        self.0.into_string()
    }

    /// The localpart, if there is one.
    pub fn localpart(&self) -> Option<&str> {
        self.0.localpart()
    }

    /// The domainpart.
    pub fn domainpart(&self) -> &str {
        self.0.domainpart()
    }

    /// The localpart with XEP-0106 escapes undone, for display.
    pub fn unescaped_localpart(&self) -> Option<Cow<'_, str>> {
        self.0.unescaped_localpart()
    }

    /// A full JID with this bare JID and `resourcepart` (prepared with `OpaqueString`).
    ///
    /// # Errors
    ///
    /// A resourcepart error if `resourcepart` is not valid.
    pub fn with_resource(&self, resourcepart: &str) -> Result<FullJid, Error> {
        self.0.with_resource(resourcepart)
    }

    /// This JID as a [`Jid`].
    pub fn as_jid(&self) -> &Jid {
        &self.0
    }

    /// This JID as a [`Jid`], by value.
    pub fn into_jid(self) -> Jid {
        self.0
    }
}
