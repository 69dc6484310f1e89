//! [`FullJid`]: an address with a resourcepart.

use alloc::borrow::Cow;
use alloc::string::String;

use crate::error::Error;
use crate::{BareJid, Jid, parse};

/// A JID with a resourcepart: `[localpart@]domainpart/resourcepart`
/// ([RFC 6120 §1.4](https://www.rfc-editor.org/rfc/rfc6120#section-1.4)).
///
/// Same storage, comparison and hashing as [`Jid`] (it wraps one), and it borrows as a
/// [`Jid`] and as a `str`.
///
/// ```
/// use xmpp_jid::FullJid;
/// let full: FullJid = "romeo@EXAMPLE.net/Orchard".parse()?;
/// assert_eq!(full.resourcepart(), "Orchard");
/// assert_eq!(full.bare_str(), "romeo@example.net");
/// assert!("romeo@example.net".parse::<FullJid>().is_err());
/// # Ok::<(), xmpp_jid::Error>(())
/// ```
#[derive(Clone)]
pub struct FullJid(pub(crate) Jid);

impl FullJid {
    /// Parses and normalises `s`, which must have a resourcepart.
    ///
    /// # Errors
    ///
    /// An [`Error`] naming the part that failed and why; [`Error::NotFull`] if `s` has no
    /// resourcepart.
    pub fn new(s: &str) -> Result<FullJid, Error> {
        Jid::new(s)?.try_into_full()
    }

    /// Builds a full JID from its parts, each prepared.
    ///
    /// # Errors
    ///
    /// An [`Error`] naming the part that failed and why.
    pub fn from_parts(
        localpart: Option<&str>,
        domainpart: &str,
        resourcepart: &str,
    ) -> Result<FullJid, Error> {
        parse::from_parts(localpart, domainpart, Some(resourcepart))
            .map(|(s, layout)| FullJid(Jid { s, layout }))
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

    /// The resourcepart.
    pub fn resourcepart(&self) -> &str {
        self.0.resourcepart().unwrap_or("")
    }

    /// The bare part of the string, `localpart@domainpart` or `domainpart`.
    pub fn bare_str(&self) -> &str {
        self.0.bare_str()
    }

    /// The localpart with XEP-0106 escapes undone, for display.
    pub fn unescaped_localpart(&self) -> Option<Cow<'_, str>> {
        self.0.unescaped_localpart()
    }

    /// The bare JID (a copy without the resourcepart).
    pub fn to_bare(&self) -> BareJid {
        self.0.to_bare()
    }

    /// The bare JID, dropping the resourcepart in place (no allocation).
    pub fn into_bare(self) -> BareJid {
        self.0.into_bare()
    }

    /// The same bare JID with another resourcepart.
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
