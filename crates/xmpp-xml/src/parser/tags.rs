//! Tag completion: namespace declarations, resolution, attribute uniqueness, nodes of
//! the tree, frames.

use alloc::string::String;
use alloc::vec::Vec;

use super::{Buf, Open, Parser, RawAttr, State};
use crate::element::{Element, Node, Span};
use crate::error::{Condition, Error};
use crate::framer::{Frame, StreamHeader};
use crate::namespaces::{NsStack, STREAM_NS};

use Condition::{InvalidNamespace, NotWellFormed, PolicyViolation};

fn split_qname(q: &str, colon: Option<u32>) -> (&str, &str) {
    match colon {
        Some(i) => (
            q.get(..i as usize).unwrap_or(""),
            q.get(i as usize + 1..).unwrap_or(""),
        ),
        None => ("", q),
    }
}
/// Resolves and appends the non-declaration attributes after the element node.
fn push_attrs(
    el: &mut Element,
    attrs: &[RawAttr],
    scratch: &str,
    ns: &NsStack,
    elem_ns: Span,
) -> Result<(), &'static str> {
    for a in attrs {
        let qname = a.name.get(scratch);
        if a.decl {
            continue;
        }
        let (prefix, local) = split_qname(qname, a.colon);
        let ns_span = if prefix.is_empty() {
            Span::default()
        } else {
            let Some(uri) = ns.resolve(prefix) else {
                return Err("undeclared namespace prefix on an attribute");
            };
            if elem_ns.get(&el.buf) == uri {
                elem_ns
            } else {
                el.push_str(uri)
            }
        };
        let name = el.push_str(local);
        let value = if a.tree {
            a.value
        } else {
            el.push_str(a.value.get(scratch))
        };
        el.nodes.push(Node::Attr {
            ns: ns_span,
            name,
            value,
        });
    }
    Ok(())
}
/// Attribute uniqueness after namespace resolution (Namespaces in XML 1.0 §6.3).
fn check_unique(el: &Element, first: usize) -> Result<(), &'static str> {
    let attrs = el.nodes.get(first..).unwrap_or(&[]);
    if attrs.len() < 2 {
        return Ok(());
    }
    let spans = |n: &Node| match *n {
        Node::Attr { ns, name, .. } => (ns, name),
        _ => (Span::default(), Span::default()),
    };
    let key = |n: &Node| {
        let (ns, name) = spans(n);
        (ns.get(&el.buf), name.get(&el.buf))
    };
    if attrs.len() <= 16 {
        let buf = el.buf.as_bytes();
        let bytes = |s: Span| buf.get(s.start as usize..(s.start + s.len) as usize);
        for (i, a) in attrs.iter().enumerate().skip(1) {
            let (ans, aname) = spans(a);
            for b in &attrs[..i] {
                let (bns, bname) = spans(b);
                // Local names first (lengths, then bytes), then namespaces (the same
                // span, or equal bytes).
                if aname.len == bname.len
                    && bytes(aname) == bytes(bname)
                    && (ans == bns || (ans.len == bns.len && bytes(ans) == bytes(bns)))
                {
                    return Err("duplicate attribute after namespace resolution");
                }
            }
        }
    } else {
        let mut keys: Vec<(&str, &str)> = attrs.iter().map(key).collect();
        keys.sort_unstable();
        if keys.windows(2).any(|w| w[0] == w[1]) {
            return Err("duplicate attribute after namespace resolution");
        }
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
        let ns_mark = self.ns.len();
        // 1. Namespace declarations.
        let mut decls = 0u32;
        for i in 0..self.attrs.len() {
            let a = self.attrs[i];
            let qname = a.name.get(&self.scratch);
            if !a.decl {
                continue;
            }
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
            let qname = a.name.get(&self.scratch);
            let prefix = &qname[qname.len() - prefix_len..];
            // Duplicate declarations of the same prefix (also `xmlns:xml` twice).
            if self.attrs[..i]
                .iter()
                .any(|b| b.name.get(&self.scratch) == qname)
            {
                return Err(self.e(NotWellFormed, "duplicate attribute"));
            }
            let value = a.value.get(&self.scratch);
            if let Err(r) = self.ns.declare(prefix, value) {
                return Err(self.ns_err(depth, r));
            }
            if self.ns.len() > self.limits.max_namespace_decls {
                return Err(self.e(PolicyViolation, "too many namespace declarations"));
            }
        }
        // 2. The element name.
        let (prefix, local) = split_qname(&self.tag, self.tag_name.colon);
        if prefix == "xmlns" {
            return Err(self.ns_err(depth, "element with the xmlns prefix"));
        }
        let Some((ns_id, uri)) = self.ns.resolve_id(prefix) else {
            return Err(self.ns_err(depth, "undeclared namespace prefix"));
        };
        let nattrs = self.attrs.len() as u32 - decls;
        if depth == 0 {
            let ok = uri == STREAM_NS && local == "stream";
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
            .and_then(|(id, s)| (id == ns_id || s.get(&self.cur.buf) == uri).then_some(s));
        // Exactly the bytes `push_attrs` and the element node add (skipped when a cheap
        // upper bound fits: no prefixed attribute, names and values within `tag` and
        // `scratch`).
        let mut bytes = local.len() + if shared.is_some() { 0 } else { uri.len() };
        let spare = self.cur.buf.capacity() - self.cur.buf.len();
        let quick = bytes + self.scratch.len() <= spare
            && self.attrs.iter().all(|a| a.colon.is_none() || a.decl);
        for a in self.attrs.iter().filter(|_| !quick) {
            let qname = a.name.get(&self.scratch);
            if a.decl {
                continue;
            }
            let (p, l) = split_qname(qname, a.colon);
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
        let (open, qname) = if empty { (0, 0) } else { (1, self.tag.len()) };
        self.room_all(&[
            (Buf::Nodes, 1 + nattrs as usize),
            (Buf::Text, bytes),
            (Buf::Open, open),
            (Buf::Qnames, qname),
        ])?;
        let (_, local) = split_qname(&self.tag, self.tag_name.colon);
        let node = self.cur.nodes.len();
        let ns_span = match shared {
            Some(s) => s,
            None => self.cur.push_str(self.ns.uri(ns_id)),
        };
        let name_span = self.cur.push_str(local);
        self.cur.nodes.push(Node::Elem {
            ns: ns_span,
            name: name_span,
            attrs: nattrs,
            end: 0,
        });
        if let Err(r) = push_attrs(&mut self.cur, &self.attrs, &self.scratch, &self.ns, ns_span) {
            return Err(self.e(NotWellFormed, r));
        }
        if let Err(r) = check_unique(&self.cur, node + 1) {
            return Err(self.e(NotWellFormed, r));
        }
        if empty {
            self.cur.close(node);
            self.ns.truncate(ns_mark);
            if depth == 1 {
                self.emit_element();
            }
        } else {
            let qname_start = self.qnames.len() as u32;
            self.qnames.push_str(&self.tag);
            self.open.push(Open {
                qname_start,
                qname_len: self.tag.len() as u32,
                ns_mark: ns_mark as u32,
                ns_id,
                node: node as u32,
                children: 0,
                text: 0,
            });
        }
        self.state = State::Content;
        self.brackets = 0;
        Ok(())
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
        let mut el = Element::with_capacity(1 + nattrs as usize, 64);
        let ns_span = el.push_str(STREAM_NS);
        let name_span = el.push_str("stream");
        el.nodes.push(Node::Elem {
            ns: ns_span,
            name: name_span,
            attrs: nattrs,
            end: 0,
        });
        if let Err(r) = push_attrs(&mut el, &self.attrs, &self.scratch, &self.ns, ns_span) {
            return Err(self.e(InvalidNamespace, r));
        }
        if let Err(r) = check_unique(&el, 1) {
            return Err(self.e(NotWellFormed, r));
        }
        el.close(0);
        let namespaces = self
            .ns
            .since(ns_mark)
            .map(|(p, u)| (String::from(p), String::from(u)))
            .collect();
        self.out = Some(Frame::StreamOpen(StreamHeader::new(el, namespaces)));
        self.in_stanza = false;
        self.brackets = 0;
        if empty {
            self.pending_close = true;
            self.state = State::AfterClose;
        } else {
            let qname_start = self.qnames.len() as u32;
            self.qnames.push_str(&self.tag);
            self.open.push(Open {
                qname_start,
                qname_len: self.tag.len() as u32,
                ns_mark: ns_mark as u32,
                ns_id: u32::MAX,
                node: 0,
                children: 0,
                text: 0,
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
                self.in_stanza = false;
                self.state = State::AfterClose;
            }
            n => {
                self.cur.close(o.node as usize);
                self.state = State::Content;
                if n == 1 {
                    self.emit_element();
                }
            }
        }
        Ok(())
    }
    /// Moves the finished top-level element out (its buffers leave the parser, which
    /// holds nothing for it any more).
    pub(super) fn emit_element(&mut self) {
        let mut el = core::mem::replace(&mut self.cur, Element::with_capacity(0, 0));
        // The next element is presized to a slowly forgotten maximum of the recent ones.
        let (n, b) = (el.nodes.len(), el.buf.len());
        self.last_nodes = n.max(self.last_nodes - self.last_nodes / 16);
        self.last_bytes = b.max(self.last_bytes - self.last_bytes / 16);
        // Give back a large excess.
        if el.nodes.capacity() > 2 * n + 8 {
            el.nodes.shrink_to_fit();
        }
        if el.buf.capacity() > 2 * b + 256 {
            el.buf.shrink_to_fit();
        }
        self.text_open = None;
        self.in_stanza = false;
        self.out = Some(Frame::Element(el));
    }
}
