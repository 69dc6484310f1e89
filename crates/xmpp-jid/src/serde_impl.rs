//! `serde` support (feature `serde`): a JID serialises as its normalised string and
//! deserialises by parsing, so invalid input is rejected and the result is normal.

use alloc::string::String;
use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use crate::{BareJid, FullJid, Jid};

/// Visitor parsing a string into `T`.
struct JidVisitor<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for JidVisitor<T>
where
    T: TryFrom<String, Error = crate::Error> + for<'a> TryFrom<&'a str, Error = crate::Error>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an XMPP address (RFC 7622)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::try_from(v).map_err(E::custom)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        T::try_from(v).map_err(E::custom)
    }
}

macro_rules! serde_impls {
    ($t:ident) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$t, D::Error> {
                deserializer.deserialize_string(JidVisitor(PhantomData))
            }
        }
    };
}

serde_impls!(Jid);
serde_impls!(BareJid);
serde_impls!(FullJid);
