//! Channel-binding types and data. The data always comes from the caller's TLS layer.

use alloc::vec::Vec;
use core::fmt;

/// A channel-binding type.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelBindingType {
    /// `tls-exporter` ([RFC 9266](https://www.rfc-editor.org/rfc/rfc9266)): the TLS
    /// exporter with label `EXPORTER-Channel-Binding`, 32 octets, empty context.
    TlsExporter,
    /// `tls-server-end-point` ([RFC 5929 §4](https://www.rfc-editor.org/rfc/rfc5929#section-4)):
    /// the hash of the server certificate.
    TlsServerEndPoint,
    /// `tls-unique` ([RFC 5929 §3](https://www.rfc-editor.org/rfc/rfc5929#section-3)): the
    /// first Finished message (TLS 1.2 and earlier only).
    TlsUnique,
}

impl ChannelBindingType {
    /// All types, in the default order of preference.
    pub const ALL: [ChannelBindingType; 3] = [
        ChannelBindingType::TlsExporter,
        ChannelBindingType::TlsServerEndPoint,
        ChannelBindingType::TlsUnique,
    ];

    /// The registered name.
    pub fn name(self) -> &'static str {
        match self {
            ChannelBindingType::TlsExporter => "tls-exporter",
            ChannelBindingType::TlsServerEndPoint => "tls-server-end-point",
            ChannelBindingType::TlsUnique => "tls-unique",
        }
    }

    /// Looks a type up by its registered name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl fmt::Display for ChannelBindingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Channel-binding data of one type, as exported by the TLS layer.
#[derive(Clone, PartialEq, Eq)]
pub struct ChannelBinding {
    kind: ChannelBindingType,
    data: Vec<u8>,
}

impl ChannelBinding {
    /// Binding data of type `kind`.
    pub fn new(kind: ChannelBindingType, data: impl Into<Vec<u8>>) -> Self {
        ChannelBinding {
            kind,
            data: data.into(),
        }
    }

    /// The type.
    pub fn kind(&self) -> ChannelBindingType {
        self.kind
    }

    /// The data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }
}

impl fmt::Debug for ChannelBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChannelBinding")
            .field("kind", &self.kind)
            .field("len", &self.data.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn names() {
        for t in ChannelBindingType::ALL {
            assert_eq!(ChannelBindingType::from_name(t.name()), Some(t));
        }
        assert_eq!(ChannelBindingType::from_name("TLS-UNIQUE"), None);
    }

    #[test]
    fn debug_hides_data() {
        let cb = ChannelBinding::new(ChannelBindingType::TlsUnique, [0xAB; 4]);
        let s = format!("{cb:?}");
        assert!(s.contains("len: 4") && !s.contains("171"));
    }
}
