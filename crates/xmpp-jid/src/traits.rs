//! Standard trait implementations shared by [`Jid`], [`BareJid`] and [`FullJid`].
//!
//! Equality, hashing and ordering are those of the normalised string, so that
//! `Borrow<str>` (and `Borrow<Jid>` for the two wrappers) is consistent.

use alloc::string::String;
use core::borrow::Borrow;
use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::str::FromStr;

use crate::error::Error;
use crate::{BareJid, FullJid, Jid, parse};

impl TryFrom<String> for Jid {
    type Error = Error;
    /// Parses `s`, reusing its buffer when it is already in normal form.
    fn try_from(s: String) -> Result<Jid, Error> {
        parse::parse_string(s).map(|(s, layout)| Jid { s, layout })
    }
}

impl TryFrom<String> for BareJid {
    type Error = Error;
    /// Parses `s`, reusing its buffer when it is already in normal form.
    fn try_from(s: String) -> Result<BareJid, Error> {
        Jid::try_from(s)?.try_into_bare()
    }
}

impl TryFrom<String> for FullJid {
    type Error = Error;
    /// Parses `s`, reusing its buffer when it is already in normal form.
    fn try_from(s: String) -> Result<FullJid, Error> {
        Jid::try_from(s)?.try_into_full()
    }
}

macro_rules! common_impls {
    ($t:ident) => {
        impl FromStr for $t {
            type Err = Error;
            fn from_str(s: &str) -> Result<$t, Error> {
                $t::new(s)
            }
        }

        impl TryFrom<&str> for $t {
            type Error = Error;
            fn try_from(s: &str) -> Result<$t, Error> {
                $t::new(s)
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($t)).field(&self.as_str()).finish()
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl Borrow<str> for $t {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq for $t {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $t {}

        impl Hash for $t {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_str().hash(state)
            }
        }

        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &$t) -> Option<Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $t {
            fn cmp(&self, other: &$t) -> Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl From<$t> for String {
            fn from(jid: $t) -> String {
                jid.into_string()
            }
        }
    };
}

common_impls!(Jid);
common_impls!(BareJid);
common_impls!(FullJid);

macro_rules! wrapper_impls {
    ($t:ident) => {
        impl Borrow<Jid> for $t {
            fn borrow(&self) -> &Jid {
                self.as_jid()
            }
        }

        impl AsRef<Jid> for $t {
            fn as_ref(&self) -> &Jid {
                self.as_jid()
            }
        }

        impl PartialEq<Jid> for $t {
            fn eq(&self, other: &Jid) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl PartialEq<$t> for Jid {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == other.as_str()
            }
        }
    };
}

wrapper_impls!(BareJid);
wrapper_impls!(FullJid);
