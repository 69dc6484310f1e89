//! Namespace scopes ([Namespaces in XML 1.0](https://www.w3.org/TR/xml-names/)): a stack of
//! `(prefix, namespace name)` bindings in one string buffer, with the `xml` prefix built in.

use alloc::vec::Vec;

/// The namespace bound to the `xml` prefix.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace of `xmlns` declarations; nothing may be bound to it.
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";
/// The stream namespace ([RFC 6120 §4.8.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.8.1)).
pub const STREAM_NS: &str = "http://etherx.jabber.org/streams";

#[derive(Debug, Clone, Copy)]
pub(crate) struct Binding {
    prefix_start: u32,
    prefix_len: u32,
    uri_len: u32,
}

/// Why a declaration is refused.
pub(crate) type DeclError = &'static str;

/// Stack of in-scope namespace bindings.
#[derive(Debug, Default, Clone)]
pub(crate) struct NsStack {
    pub(crate) buf: Vec<u8>,
    pub(crate) bindings: Vec<Binding>,
}

impl NsStack {
    /// Heap bytes held (capacities).
    pub(crate) fn memory_in_use(&self) -> usize {
        self.buf.capacity() + self.bindings.capacity() * core::mem::size_of::<Binding>()
    }

    /// Bytes of one binding.
    pub(crate) fn binding_size(&self) -> usize {
        core::mem::size_of::<Binding>()
    }

    /// Number of bindings in scope (used as a mark for [`NsStack::truncate`]).
    pub(crate) fn len(&self) -> usize {
        self.bindings.len()
    }

    /// Drops every binding pushed after `mark`.
    pub(crate) fn truncate(&mut self, mark: usize) {
        if let Some(b) = self.bindings.get(mark) {
            self.buf.truncate(b.prefix_start as usize);
            self.bindings.truncate(mark);
        }
    }

    /// Validates and pushes the declaration `xmlns:prefix="uri"` (`prefix` empty for the
    /// default namespace). Checks the rules of Namespaces in XML 1.0 §3 and its errata.
    pub(crate) fn declare(&mut self, prefix: &[u8], uri: &[u8]) -> Result<(), DeclError> {
        if !Self::check(prefix, uri)? {
            return Ok(());
        }
        let prefix_start = self.buf.len() as u32;
        self.buf.extend_from_slice(prefix);
        self.buf.extend_from_slice(uri);
        self.bindings.push(Binding {
            prefix_start,
            prefix_len: prefix.len() as u32,
            uri_len: uri.len() as u32,
        });
        Ok(())
    }

    /// The checks of [`NsStack::declare`] alone, for a declaration that would go out of
    /// scope at once (an empty element's): `Ok(true)` when `declare` would push a
    /// binding, `Ok(false)` for the built-in `xml` prefix it accepts without one.
    pub(crate) fn check(prefix: &[u8], uri: &[u8]) -> Result<bool, DeclError> {
        let plain = Self::check_names(prefix, uri)?;
        if !crate::chars::is_namespace_name_bytes(uri) {
            return Err("namespace name contains whitespace or control characters");
        }
        Ok(plain)
    }

    /// [`NsStack::check`] but for the characters of the namespace name, for callers
    /// that have checked them.
    #[inline]
    pub(crate) fn check_names(prefix: &[u8], uri: &[u8]) -> Result<bool, DeclError> {
        if prefix == b"xmlns" {
            return Err("the xmlns prefix cannot be declared");
        }
        if prefix == b"xml" {
            return if uri == XML_NS.as_bytes() {
                Ok(false)
            } else {
                Err("the xml prefix cannot be rebound")
            };
        }
        if uri == XML_NS.as_bytes() || uri == XMLNS_NS.as_bytes() {
            return Err("reserved namespace name bound to another prefix");
        }
        if !prefix.is_empty() && uri.is_empty() {
            return Err("a prefix cannot be bound to the empty namespace");
        }
        Ok(true)
    }

    /// The namespace bound to `prefix` (`""` for the default namespace, which is the empty
    /// namespace when undeclared); `None` for an undeclared prefix.
    pub(crate) fn resolve(&self, prefix: &[u8]) -> Option<&[u8]> {
        self.resolve_id(prefix).map(|(_, uri)| uri)
    }

    /// Like [`NsStack::resolve`], also returning an identity for the binding found
    /// (equal identities mean equal namespace names while the binding is in scope).
    #[inline]
    pub(crate) fn resolve_id(&self, prefix: &[u8]) -> Option<(u32, &[u8])> {
        for (i, b) in self.bindings.iter().enumerate().rev() {
            if b.prefix_len as usize != prefix.len() {
                continue;
            }
            let ps = b.prefix_start as usize;
            let us = ps + b.prefix_len as usize;
            if prefix.is_empty() || self.buf.get(ps..us) == Some(prefix) {
                return self
                    .buf
                    .get(us..us + b.uri_len as usize)
                    .map(|u| (i as u32, u));
            }
        }
        match prefix {
            b"" => Some((u32::MAX, b"")),
            b"xml" => Some((u32::MAX - 1, XML_NS.as_bytes())),
            _ => None,
        }
    }

    /// The namespace name of the binding identified by `id` (from
    /// [`NsStack::resolve_id`], while it is in scope).
    #[inline]
    pub(crate) fn uri(&self, id: u32) -> &[u8] {
        match id {
            u32::MAX => b"",
            0xFFFF_FFFE => XML_NS.as_bytes(),
            i => self.bindings.get(i as usize).map_or(b"", |b| {
                let us = (b.prefix_start + b.prefix_len) as usize;
                self.buf.get(us..us + b.uri_len as usize).unwrap_or(b"")
            }),
        }
    }

    /// Bindings from `mark` on, as `(prefix, uri)`.
    pub(crate) fn since(&self, mark: usize) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.bindings.get(mark..).unwrap_or(&[]).iter().map(|b| {
            let ps = b.prefix_start as usize;
            let us = ps + b.prefix_len as usize;
            (
                self.buf.get(ps..us).unwrap_or(b""),
                self.buf.get(us..us + b.uri_len as usize).unwrap_or(b""),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let mut s = NsStack::default();
        assert_eq!(s.resolve(b""), Some(&b""[..]));
        assert_eq!(s.resolve(b"xml"), Some(XML_NS.as_bytes()));
        assert_eq!(s.resolve(b"a"), None);
        s.declare(b"", b"jabber:client").unwrap();
        s.declare(b"a", b"urn:a").unwrap();
        let m = s.len();
        s.declare(b"a", b"urn:b").unwrap();
        s.declare(b"", b"").unwrap();
        assert_eq!(s.resolve(b"a"), Some(&b"urn:b"[..]));
        assert_eq!(s.resolve(b""), Some(&b""[..]));
        s.truncate(m);
        assert_eq!(s.resolve(b"a"), Some(&b"urn:a"[..]));
        assert_eq!(s.resolve(b""), Some(&b"jabber:client"[..]));
        assert!(s.declare(b"xmlns", b"x").is_err());
        assert!(s.declare(b"xml", b"x").is_err());
        assert!(s.declare(b"xml", XML_NS.as_bytes()).is_ok());
        assert!(s.declare(b"b", XML_NS.as_bytes()).is_err());
        assert!(s.declare(b"", XMLNS_NS.as_bytes()).is_err());
        assert!(s.declare(b"b", b"").is_err());
        assert!(s.declare(b"b", b"urn:\tx").is_err());
    }
}
