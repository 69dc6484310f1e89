//! Tag completion: namespace declarations, resolution, attribute uniqueness, nodes of
//! the tree, frames.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Buf, Open, Parser, RawAttr, State, Tree};
use crate::element::{Node, Span};
use crate::error::{Condition, Error};
use crate::framer::{Frame, StreamHeader};
use crate::namespaces::{NsStack, STREAM_NS};

use Condition::{InvalidNamespace, NotWellFormed, PolicyViolation, UnsupportedEncoding};

fn split_qname(q: &[u8], colon: Option<u32>) -> (&[u8], &[u8]) {
    match colon {
        Some(i) => (
            q.get(..i as usize).unwrap_or(b""),
            q.get(i as usize + 1..).unwrap_or(b""),
        ),
        None => (b"", q),
    }
}

/// Why a tag's attributes are refused when two are the same after resolution.
pub(super) const DUPLICATE: &str = "duplicate attribute after namespace resolution";

/// Bytes the parser has checked as UTF-8, as a `String`.
fn checked_string(b: &[u8]) -> Option<String> {
    core::str::from_utf8(b).ok().map(String::from)
}
/// Resolves and appends the non-declaration attributes after the element node (the
/// last node), then checks their uniqueness.
pub(super) fn push_attrs(
    el: &mut Tree,
    attrs: &[RawAttr],
    scratch: &[u8],
    ns: &NsStack,
    elem_ns: Span,
) -> Result<(), &'static str> {
    let first = el.nodes.len();
    // Up to 16 attributes, uniqueness is checked as they are added: a 64-bit filter on
    // (length, first byte) of the local name, and only an attribute whose bit is
    // already set is compared with the earlier ones. It is reported after every
    // attribute resolved, as a separate pass would.
    let mut seen = 0u64;
    let mut dup = false;
    for a in attrs {
        if a.decl {
            continue;
        }
        let qname = a.name.bytes(scratch);
        let (ns_span, local) = match a.colon {
            None => (Span::default(), qname),
            Some(_) => {
                let (prefix, local) = split_qname(qname, a.colon);
                let Some(uri) = ns.resolve(prefix) else {
                    return Err("undeclared namespace prefix on an attribute");
                };
                let span = if elem_ns.bytes(&el.buf) == uri {
                    elem_ns
                } else {
                    el.push_bytes(uri)
                };
                (span, local)
            }
        };
        let name = el.push_bytes(local);
        let value = if a.tree {
            a.value
        } else {
            el.push_bytes(a.value.bytes(scratch))
        };
        let bit = attr_bit(local, name.len);
        if seen & bit != 0 && !dup {
            let earlier = el.nodes.get(first..).unwrap_or(&[]);
            dup = earlier
                .iter()
                .any(|n| same_attr(&el.buf, (ns_span, name), n));
        }
        seen |= bit;
        el.nodes.push(Node::Attr {
            ns: ns_span,
            name,
            value,
        });
    }
    if el.nodes.len() - first > 16 {
        return check_unique(el, first);
    }
    if dup {
        return Err(DUPLICATE);
    }
    Ok(())
}
/// The bit of the uniqueness filter for a local name.
#[inline]
pub(super) fn attr_bit(local: &[u8], len: u32) -> u64 {
    1u64 << ((u32::from(local.first().copied().unwrap_or(0)) ^ len.wrapping_mul(11)) & 63)
}
/// Whether attribute node `n` has the namespace and local name `(ans, aname)`: local
/// names first (lengths, then bytes), then namespaces (the same span, or equal bytes).
#[inline]
pub(super) fn same_attr(buf: &[u8], (ans, aname): (Span, Span), n: &Node) -> bool {
    let Node::Attr {
        ns: bns,
        name: bname,
        ..
    } = *n
    else {
        return false;
    };
    aname.len == bname.len
        && aname.bytes(buf) == bname.bytes(buf)
        && (ans == bns || (ans.len == bns.len && ans.bytes(buf) == bns.bytes(buf)))
}
/// Attribute uniqueness after namespace resolution (Namespaces in XML 1.0 §6.3) for
/// many attributes: sorted keys, so the cost stays `n log n`.
pub(super) fn check_unique(el: &Tree, first: usize) -> Result<(), &'static str> {
    let attrs = el.nodes.get(first..).unwrap_or(&[]);
    let key = |n: &Node| match *n {
        Node::Attr { ns, name, .. } => (ns.bytes(&el.buf), name.bytes(&el.buf)),
        _ => (&[][..], &[][..]),
    };
    let mut keys: Vec<(&[u8], &[u8])> = attrs.iter().map(key).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(DUPLICATE);
    }
    Ok(())
}

impl Parser {
    /// A namespace error: `invalid-namespace` on the stream header, `not-well-formed`
    /// inside it.
    pub(super) fn ns_err(&self, depth: usize, reason: &'static str) -> Error {
        self.e(
            if depth == 0 {
                InvalidNamespace
            } else {
                NotWellFormed
            },
            reason,
        )
    }
    /// The `>` of a start tag: namespace declarations, resolution, uniqueness, nodes.
    pub(super) fn finish_start(&mut self, empty: bool) -> Result<(), Error> {
        let depth = self.depth();
        if depth >= 1 && depth > self.limits.max_depth {
            return Err(self.e(PolicyViolation, "element nesting exceeds the depth limit"));
        }
        if depth >= 2
            && let Some(parent) = self.open.last_mut()
        {
            parent.children += 1;
            if parent.children as usize > self.limits.max_children {
                return Err(self.e(PolicyViolation, "too many child elements"));
            }
        }
        if depth >= 1 && self.tag_name.colon.is_none() && super::shortcuts::enabled() {
            if let Some(r) = self.finish_plain(empty, depth) {
                return r;
            }
            if depth >= 2
                && let Some(r) = self.finish_decl(empty, depth)
            {
                return r;
            }
        }
        let ns_mark = self.ns.len();
        // 1. Namespace declarations.
        let mut decls = 0u32;
        for i in 0..self.attrs.len() {
            let a = self.attrs[i];
            if !a.decl {
                continue;
            }
            let qname = a.name.bytes(&self.scratch);
            let prefix_len = if a.colon.is_some() {
                qname.len() - 6
            } else {
                0
            };
            decls += 1;
            self.room_all(&[
                (Buf::NsStrings, prefix_len + a.value.len as usize),
                (Buf::NsBindings, 1),
            ])?;
            let qname = a.name.bytes(&self.scratch);
            let prefix = &qname[qname.len() - prefix_len..];
            // Duplicate declarations of the same prefix (also `xmlns:xml` twice).
            // (Only declarations can have the same name as a declaration.)
            if self.attrs[..i]
                .iter()
                .any(|b| b.decl && b.name.bytes(&self.scratch) == qname)
            {
                return Err(self.e(NotWellFormed, "duplicate attribute"));
            }
            let value = a.value.bytes(&self.scratch);
            if let Err(r) = self.ns.declare(prefix, value) {
                return Err(self.ns_err(depth, r));
            }
            if self.ns.len() > self.limits.max_namespace_decls {
                return Err(self.e(PolicyViolation, "too many namespace declarations"));
            }
        }
        // 2. The element name.
        let (prefix, local) = split_qname(&self.tag, self.tag_name.colon);
        if prefix == b"xmlns" {
            return Err(self.ns_err(depth, "element with the xmlns prefix"));
        }
        let Some((ns_id, uri)) = self.ns.resolve_id(prefix) else {
            return Err(self.ns_err(depth, "undeclared namespace prefix"));
        };
        let nattrs = self.attrs.len() as u32 - decls;
        if depth == 0 {
            let ok = uri == STREAM_NS.as_bytes() && local == b"stream";
            return self.finish_header(ok, nattrs, ns_mark, empty);
        }
        // 3. Nodes. Share the parent's namespace string when it is the same (the common
        // case).
        let shared = self
            .open
            .last()
            .and_then(|o| match self.cur.nodes.get(o.node as usize) {
                Some(Node::Elem { ns, .. }) if depth >= 2 => Some((o.ns_id, *ns)),
                _ => None,
            })
            .and_then(|(id, s)| (id == ns_id || s.bytes(&self.cur.buf) == uri).then_some(s));
        // Exactly the bytes `push_attrs` and the element node add (skipped when a cheap
        // upper bound fits: no prefixed attribute, names and values within `tag` and
        // `scratch`).
        let mut bytes = local.len() + if shared.is_some() { 0 } else { uri.len() };
        let spare = self.cur.buf.capacity() - self.cur.buf.len();
        let quick = bytes + self.scratch.len() <= spare
            && self.attrs.iter().all(|a| a.colon.is_none() || a.decl);
        if !quick {
            bytes += self.attr_tree_bytes(uri);
        }
        let (open, qname) = if empty { (0, 0) } else { (1, self.tag.len()) };
        // The common case, checked inline: everything fits as it is.
        let fits = self.cur.nodes.capacity() - self.cur.nodes.len() > nattrs as usize
            && spare >= bytes
            && self.open.capacity() - self.open.len() >= open
            && self.qnames.capacity() - self.qnames.len() >= qname;
        if !fits {
            // Growing another buffer may give back the string buffer's spare capacity
            // (the budget's reclaim): ask for all the bytes the attributes add too.
            if quick {
                bytes += self.attr_tree_bytes(uri);
            }
            self.room_all(&[
                (Buf::Nodes, 1 + nattrs as usize),
                (Buf::Text, bytes),
                (Buf::Open, open),
                (Buf::Qnames, qname),
            ])?;
        }
        let (_, local) = split_qname(&self.tag, self.tag_name.colon);
        let node = self.cur.nodes.len();
        let ns_span = match shared {
            Some(s) => s,
            None => self.cur.push_bytes(self.ns.uri(ns_id)),
        };
        let name_span = self.cur.push_bytes(local);
        self.cur.nodes.push(Node::Elem {
            ns: ns_span,
            name: name_span,
            attrs: nattrs,
            end: 0,
        });
        if nattrs > 0
            && let Err(r) = push_attrs(&mut self.cur, &self.attrs, &self.scratch, &self.ns, ns_span)
        {
            return Err(self.e(NotWellFormed, r));
        }
        if empty {
            self.cur.close(node);
            self.ns.truncate(ns_mark);
            if depth == 1 {
                self.emit_element()?;
            }
        } else {
            let qname_start = self.qnames.len() as u32;
            self.qnames.extend_from_slice(&self.tag);
            self.open.push(Open {
                qname_start,
                qname_len: self.tag.len() as u32,
                ns_mark: ns_mark as u32,
                ns_id,
                node: node as u32,
                children: 0,
                text: 0,
                plain: self.tag_name.colon.is_none(),
            });
        }
        self.state = State::Content;
        self.brackets = 0;
        Ok(())
    }
    /// Exactly the bytes [`push_attrs`] adds to the tree's string buffer for the
    /// current tag's attributes (`uri`: the element's namespace name, shared by
    /// attributes in it).
    fn attr_tree_bytes(&self, uri: &[u8]) -> usize {
        let mut bytes = 0;
        for a in &self.attrs {
            if a.decl {
                continue;
            }
            let (p, l) = split_qname(a.name.bytes(&self.scratch), a.colon);
            bytes += l.len();
            if !a.tree {
                bytes += a.value.len as usize;
            }
            if !p.is_empty()
                && let Some(u) = self.ns.resolve(p)
                && u != uri
            {
                bytes += u.len();
            }
        }
        bytes
    }

    pub(super) fn finish_header(
        &mut self,
        ok: bool,
        nattrs: u32,
        ns_mark: usize,
        empty: bool,
    ) -> Result<(), Error> {
        if !ok {
            return Err(self.e(
                InvalidNamespace,
                "the stream header must be {http://etherx.jabber.org/streams}stream",
            ));
        }
        if !empty {
            self.room_all(&[(Buf::Open, 1), (Buf::Qnames, self.tag.len())])?;
        }
        let mut el = Tree::with_capacity(1 + nattrs as usize, 64);
        let ns_span = el.push_bytes(STREAM_NS.as_bytes());
        let name_span = el.push_bytes(b"stream");
        el.nodes.push(Node::Elem {
            ns: ns_span,
            name: name_span,
            attrs: nattrs,
            end: 0,
        });
        if let Err(r) = push_attrs(&mut el, &self.attrs, &self.scratch, &self.ns, ns_span) {
            let c = if r == DUPLICATE {
                NotWellFormed
            } else {
                InvalidNamespace
            };
            return Err(self.e(c, r));
        }
        el.close(0);
        let namespaces = self
            .ns
            .since(ns_mark)
            .map(|(p, u)| Some((checked_string(p)?, checked_string(u)?)))
            .collect::<Option<Vec<_>>>();
        let (Some(el), Some(namespaces)) = (el.into_element(), namespaces) else {
            return Err(self.e(UnsupportedEncoding, "invalid UTF-8 sequence"));
        };
        self.out = Some(Frame::StreamOpen(StreamHeader::new(el, namespaces)));
        self.ready = true;
        self.in_stanza = false;
        self.brackets = 0;
        if empty {
            self.pending_close = true;
            self.state = State::AfterClose;
        } else {
            let qname_start = self.qnames.len() as u32;
            self.qnames.extend_from_slice(&self.tag);
            self.open.push(Open {
                qname_start,
                qname_len: self.tag.len() as u32,
                ns_mark: ns_mark as u32,
                ns_id: u32::MAX,
                node: 0,
                children: 0,
                text: 0,
                plain: false,
            });
            self.state = State::Content;
        }
        Ok(())
    }
    pub(super) fn finish_end(&mut self) -> Result<(), Error> {
        let Some(o) = self.open.pop() else {
            return Err(self.e(NotWellFormed, "end tag without a start tag"));
        };
        self.ns.truncate(o.ns_mark as usize);
        self.qnames.truncate(o.qname_start as usize);
        self.brackets = 0;
        match self.open.len() {
            0 => {
                self.out = Some(Frame::StreamClose);
                self.ready = true;
                self.in_stanza = false;
                self.state = State::AfterClose;
            }
            n => {
                self.cur.close(o.node as usize);
                self.state = State::Content;
                if n == 1 {
                    self.emit_element()?;
                }
            }
        }
        Ok(())
    }
    /// Moves the finished top-level element out (its buffers leave the parser, which
    /// holds nothing for it any more).
    pub(super) fn emit_element(&mut self) -> Result<(), Error> {
        let mut el = core::mem::take(&mut self.cur);
        // The next element is presized to a slowly forgotten maximum of the recent ones.
        let (n, b) = (el.nodes.len(), el.buf.len());
        self.remember_nodes(n);
        // Give back a large excess.
        if el.nodes.capacity() > 2 * n + 8 {
            el.nodes.shrink_to_fit();
        }
        if el.buf.capacity() > 2 * b + 256 {
            el.buf.shrink_to_fit();
        }
        self.text_open = None;
        self.in_stanza = false;
        let Some(el) = el.into_element() else {
            return Err(self.e(UnsupportedEncoding, "invalid UTF-8 sequence"));
        };
        self.out = Some(Frame::Element(el));
        self.ready = true;
        Ok(())
    }
}
