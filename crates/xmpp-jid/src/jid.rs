//! [`Jid`]: any XMPP address, bare or full.

use alloc::borrow::Cow;
use alloc::string::String;

use crate::ascii::Layout;
use crate::error::Error;
use crate::{BareJid, FullJid, parse};

/// An XMPP address ([RFC 7622](https://www.rfc-editor.org/rfc/rfc7622)):
/// `[localpart@]domainpart[/resourcepart]`, always in normal form.
///
/// Stored as one normalised `String` plus two 16-bit offsets, so the parts are borrowed
/// views and equality, hashing and ordering are those of the normalised string (which is
/// also why `Jid` implements `Borrow<str>`: a map keyed by `Jid` can be searched with the
/// normalised `&str`). Two inputs that differ only in case (localpart, domainpart),
/// width, or A-label versus U-label form give equal JIDs.
///
/// ```
/// use xmpp_jid::Jid;
/// let jid: Jid = "Juliet@EXAMPLE.com/Balcony".parse()?;
/// assert_eq!(jid.as_str(), "juliet@example.com/Balcony");
/// assert_eq!(jid.localpart(), Some("juliet"));
/// assert_eq!(jid.domainpart(), "example.com");
/// assert_eq!(jid.resourcepart(), Some("Balcony"));
/// assert_eq!(jid, Jid::new("juliet@example.com./Balcony")?);
/// # Ok::<(), xmpp_jid::Error>(())
/// ```
#[derive(Clone)]
pub struct Jid {
    pub(crate) s: String,
    pub(crate) layout: Layout,
}

impl Jid {
    /// Parses and normalises `s`.
    ///
    /// # Errors
    ///
    /// An [`Error`] naming the part that failed and why.
    pub fn new(s: &str) -> Result<Jid, Error> {
        if let Some(fast) = crate::ascii::scan(s) {
            // The fast path: one allocation, the copy, lowered in place where needed.
            let mut s = String::from(s);
            let layout = fast.normalise(&mut s);
            return Ok(Jid { s, layout });
        }
        parse::parse_full(s).map(|(s, layout)| Jid { s, layout })
    }

    /// Builds a JID from separate parts, each prepared as in [`Jid::new`]. Unlike
    /// [`Jid::new`], no splitting happens, so a resourcepart may contain anything
    /// `OpaqueString` allows; error positions count from the start of each part.
    ///
    /// # Errors
    ///
    /// An [`Error`] naming the part that failed and why.
    ///
    /// ```
    /// use xmpp_jid::Jid;
    /// let jid = Jid::from_parts(Some("Romeo"), "example.net", Some("orchard/2"))?;
    /// assert_eq!(jid.as_str(), "romeo@example.net/orchard/2");
    /// # Ok::<(), xmpp_jid::Error>(())
    /// ```
    pub fn from_parts(
        localpart: Option<&str>,
        domainpart: &str,
        resourcepart: Option<&str>,
    ) -> Result<Jid, Error> {
        parse::from_parts(localpart, domainpart, resourcepart).map(|(s, layout)| Jid { s, layout })
    }

    /// The normalised string.
    pub fn as_str(&self) -> &str {
        &self.s
    }

    /// The normalised string, by value (no copy).
    pub fn into_string(self) -> String {
        self.s
    }

    fn domain_start(&self) -> usize {
        usize::from(self.layout.domain_start)
    }

    fn domain_end(&self) -> usize {
        usize::from(self.layout.domain_end)
    }

    /// The localpart, if there is one.
    pub fn localpart(&self) -> Option<&str> {
        match self.domain_start() {
            0 => None,
            n => self.s.get(..n - 1),
        }
    }

    /// The domainpart: U-labels, an IPv4 literal, or a bracketed IPv6 literal.
    pub fn domainpart(&self) -> &str {
        self.s
            .get(self.domain_start()..self.domain_end())
            .unwrap_or("")
    }

    /// The resourcepart, if there is one.
    pub fn resourcepart(&self) -> Option<&str> {
        if self.domain_end() == self.s.len() {
            None
        } else {
            self.s.get(self.domain_end() + 1..)
        }
    }

    /// The bare part of the string, `localpart@domainpart` or `domainpart`.
    pub fn bare_str(&self) -> &str {
        self.s.get(..self.domain_end()).unwrap_or("")
    }

    /// Whether there is no resourcepart.
    pub fn is_bare(&self) -> bool {
        self.domain_end() == self.s.len()
    }

    /// Whether there is a resourcepart.
    pub fn is_full(&self) -> bool {
        !self.is_bare()
    }

    /// The localpart with XEP-0106 escapes undone, for display (see [`crate::unescape`]).
    pub fn unescaped_localpart(&self) -> Option<Cow<'_, str>> {
        self.localpart().map(crate::unescape)
    }

    /// The bare JID (a copy without the resourcepart).
    pub fn to_bare(&self) -> BareJid {
        BareJid(Jid {
            s: String::from(self.bare_str()),
            layout: self.layout,
        })
    }

    /// The bare JID, dropping the resourcepart in place (no allocation).
    pub fn into_bare(mut self) -> BareJid {
        let end = self.domain_end();
        self.s.truncate(end);
        BareJid(self)
    }

    /// This JID's bare part with `resourcepart` (prepared with `OpaqueString`), replacing
    /// any resourcepart it has.
    ///
    /// # Errors
    ///
    /// A [`Part::Resourcepart`](crate::Part::Resourcepart) error if `resourcepart` is not
    /// valid.
    pub fn with_resource(&self, resourcepart: &str) -> Result<FullJid, Error> {
        let mut s = String::with_capacity(self.domain_end() + 1 + resourcepart.len());
        s.push_str(self.bare_str());
        s.push('/');
        crate::prep::resourcepart_into(resourcepart, &mut s)?;
        Ok(FullJid(Jid {
            s,
            layout: self.layout,
        }))
    }

    /// Checks that `self` is bare and turns it into a [`BareJid`].
    ///
    /// # Errors
    ///
    /// [`Error::NotBare`] if there is a resourcepart.
    pub fn try_into_bare(self) -> Result<BareJid, Error> {
        if self.is_bare() {
            Ok(BareJid(self))
        } else {
            Err(Error::NotBare)
        }
    }

    /// Checks that `self` is full and turns it into a [`FullJid`].
    ///
    /// # Errors
    ///
    /// [`Error::NotFull`] if there is no resourcepart.
    pub fn try_into_full(self) -> Result<FullJid, Error> {
        if self.is_full() {
            Ok(FullJid(self))
        } else {
            Err(Error::NotFull)
        }
    }
}

impl From<BareJid> for Jid {
    fn from(jid: BareJid) -> Jid {
        jid.0
    }
}

impl From<FullJid> for Jid {
    fn from(jid: FullJid) -> Jid {
        jid.0
    }
}

impl TryFrom<Jid> for BareJid {
    type Error = Error;
    fn try_from(jid: Jid) -> Result<BareJid, Error> {
        jid.try_into_bare()
    }
}

impl TryFrom<Jid> for FullJid {
    type Error = Error;
    fn try_from(jid: Jid) -> Result<FullJid, Error> {
        jid.try_into_full()
    }
}
