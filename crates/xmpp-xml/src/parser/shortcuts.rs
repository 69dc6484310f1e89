//! Shortcuts for the most common start tags inside a stanza: an unprefixed name whose
//! attributes are unprefixed, with no namespace declaration or one of the default
//! namespace. They make the checks and changes of the general path in
//! [`Parser::finish_start`] (errors in the same order, the same tree bytes, the same
//! buffer growth: they only run when nothing has to grow) without its searches and
//! copies; anything else goes down the general path. A test compares the two.

use super::tags::{DUPLICATE, attr_bit, check_unique, push_attrs, same_attr};
use super::{Open, Parser, RawAttr, State, Tree};
use crate::element::{Node, Span};
use crate::error::{Condition, Error};

use Condition::{NotWellFormed, PolicyViolation};

#[cfg(test)]
std::thread_local! {
    /// Set by tests to run the general path alone.
    static GENERAL_ONLY: core::cell::Cell<bool> = const { core::cell::Cell::new(false) };
}

/// Whether the shortcuts are in use (always, outside tests).
#[inline(always)]
pub(super) fn enabled() -> bool {
    #[cfg(test)]
    {
        !GENERAL_ONLY.with(core::cell::Cell::get)
    }
    #[cfg(not(test))]
    {
        true
    }
}

/// [`push_attrs`] for unprefixed attributes whose values are in the tree and whose
/// names were copied to the tree at `base` in the layout of `scratch`.
fn push_local_attrs(el: &mut Tree, attrs: &[RawAttr], base: u32) -> Result<(), &'static str> {
    let first = el.nodes.len();
    let mut seen = 0u64;
    let mut dup = false;
    for a in attrs {
        let name = Span {
            start: base + a.name.start,
            len: a.name.len,
        };
        let bit = attr_bit(name.bytes(&el.buf), name.len);
        if seen & bit != 0 && !dup {
            let earlier = el.nodes.get(first..).unwrap_or(&[]);
            dup = earlier
                .iter()
                .any(|n| same_attr(&el.buf, (Span::default(), name), n));
        }
        seen |= bit;
        el.nodes.push(Node::Attr {
            ns: Span::default(),
            name,
            value: a.value,
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

impl Parser {
    /// The common start tag, done in a few steps: an unprefixed name, no declarations,
    /// only unprefixed attributes, and room in every buffer as it is (for the names,
    /// bounded by all of `scratch`). The general path would make the same changes and
    /// grow nothing either. Below an unprefixed parent the name is in the parent's
    /// namespace (the same default binding is in scope), so it shares the parent's
    /// namespace string; a stanza's top element looks the default namespace up and
    /// copies it. `None` (nothing changed) sends the tag down the general path.
    pub(super) fn finish_plain(&mut self, empty: bool, depth: usize) -> Option<Result<(), Error>> {
        if !self
            .attrs
            .iter()
            .all(|a| a.colon.is_none() && !a.decl && a.tree)
        {
            return None;
        }
        let (ns_id, shared, uri_len) = if depth == 1 {
            let (id, uri) = self.ns.resolve_id(b"")?;
            (id, None, uri.len())
        } else {
            let parent = *self.open.last()?;
            if !parent.plain {
                return None;
            }
            let Some(&Node::Elem { ns, .. }) = self.cur.nodes.get(parent.node as usize) else {
                return None;
            };
            (parent.ns_id, Some(ns), 0)
        };
        let nattrs = self.attrs.len();
        let fits = self.cur.nodes.capacity() - self.cur.nodes.len() > nattrs
            && self.cur.buf.capacity() - self.cur.buf.len()
                >= uri_len + self.tag.len() + self.scratch.len()
            && (empty
                || (self.open.capacity() > self.open.len()
                    && self.qnames.capacity() - self.qnames.len() >= self.tag.len()));
        if !fits {
            return None;
        }
        let node = self.cur.nodes.len();
        let ns = match shared {
            Some(s) => s,
            None => self.cur.push_bytes(self.ns.uri(ns_id)),
        };
        let name = self.cur.push_bytes(&self.tag);
        self.cur.nodes.push(Node::Elem {
            ns,
            name,
            attrs: nattrs as u32,
            end: 0,
        });
        if nattrs > 0 {
            // Without declarations, `scratch` holds exactly the names, one after
            // another: one copy puts them all in the tree (as many bytes as the general
            // path adds one name at a time).
            let base = self.cur.push_bytes(&self.scratch).start;
            if let Err(r) = push_local_attrs(&mut self.cur, &self.attrs, base) {
                return Some(Err(self.e(NotWellFormed, r)));
            }
        }
        if empty {
            self.cur.close(node);
            if depth == 1
                && let Err(e) = self.emit_element()
            {
                return Some(Err(e));
            }
        } else {
            let qname_start = self.qnames.len() as u32;
            self.qnames.extend_from_slice(&self.tag);
            self.open.push(Open {
                qname_start,
                qname_len: self.tag.len() as u32,
                ns_mark: self.ns.len() as u32,
                ns_id,
                node: node as u32,
                children: 0,
                text: 0,
                plain: true,
            });
        }
        self.state = State::Content;
        self.brackets = 0;
        Some(Ok(()))
    }
    /// The other common start tag: an unprefixed name with one declaration, of the
    /// default namespace (`<query xmlns='jabber:iq:roster'>`), and otherwise only
    /// unprefixed attributes, with room in every buffer as it is. Makes the checks and
    /// changes of the general path in its order, without its searches. `None` (nothing
    /// changed) sends the tag down the general path.
    pub(super) fn finish_decl(&mut self, empty: bool, depth: usize) -> Option<Result<(), Error>> {
        let mut decl = None;
        // Bytes the other attributes add: names, and values not already in the tree.
        let mut names = 0;
        for (i, a) in self.attrs.iter().enumerate() {
            if a.colon.is_some() {
                return None;
            }
            if a.decl {
                if decl.is_some() {
                    return None;
                }
                decl = Some(i);
            } else {
                names += a.name.len as usize + if a.tree { 0 } else { a.value.len as usize };
            }
        }
        let uri_span = self.attrs.get(decl?)?.value;
        let parent = *self.open.last()?;
        let Some(&Node::Elem { ns: parent_ns, .. }) = self.cur.nodes.get(parent.node as usize)
        else {
            return None;
        };
        let uri = uri_span.bytes(&self.scratch);
        // The parent's namespace string is shared when it is the same name.
        let shared = parent_ns.bytes(&self.cur.buf) == uri;
        let nattrs = self.attrs.len() - 1;
        // Exactly what the general path adds to the tree (and checks room for).
        let bytes = self.tag.len() + names + if shared { 0 } else { uri.len() };
        let fits = self.ns.buf.capacity() - self.ns.buf.len() >= uri.len()
            && self.ns.bindings.capacity() > self.ns.bindings.len()
            && self.cur.nodes.capacity() - self.cur.nodes.len() > nattrs
            && self.cur.buf.capacity() - self.cur.buf.len() >= bytes
            && (empty
                || (self.open.capacity() > self.open.len()
                    && self.qnames.capacity() - self.qnames.len() >= self.tag.len()));
        if !fits {
            return None;
        }
        let ns_mark = self.ns.len();
        // An empty element's binding would go out of scope at once: check it without
        // pushing it (the count below is the one `declare` would have reached).
        let declared = if empty {
            crate::namespaces::NsStack::check(b"", uri).map(usize::from)
        } else {
            self.ns.declare(b"", uri).map(|()| 0)
        };
        let pending = match declared {
            Ok(n) => n,
            Err(r) => return Some(Err(self.ns_err(depth, r))),
        };
        if self.ns.len() + pending > self.limits.max_namespace_decls {
            return Some(Err(
                self.e(PolicyViolation, "too many namespace declarations")
            ));
        }
        let node = self.cur.nodes.len();
        let ns = if shared {
            parent_ns
        } else {
            self.cur.push_bytes(uri_span.bytes(&self.scratch))
        };
        let name = self.cur.push_bytes(&self.tag);
        self.cur.nodes.push(Node::Elem {
            ns,
            name,
            attrs: nattrs as u32,
            end: 0,
        });
        if nattrs > 0
            && let Err(r) = push_attrs(&mut self.cur, &self.attrs, &self.scratch, &self.ns, ns)
        {
            return Some(Err(self.e(NotWellFormed, r)));
        }
        if empty {
            self.cur.close(node);
        } else {
            let qname_start = self.qnames.len() as u32;
            self.qnames.extend_from_slice(&self.tag);
            self.open.push(Open {
                qname_start,
                qname_len: self.tag.len() as u32,
                ns_mark: ns_mark as u32,
                // The binding just declared, as `resolve_id` would find it.
                ns_id: ns_mark as u32,
                node: node as u32,
                children: 0,
                text: 0,
                plain: true,
            });
        }
        self.state = State::Content;
        self.brackets = 0;
        Some(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;

    use super::GENERAL_ONLY;
    use crate::{Error, Frame, Framer, Limits};

    /// Frames, the error and the memory held after every piece.
    type Run = (Vec<Frame>, Option<Error>, Vec<usize>);

    fn run(input: &[u8], piece: usize, limits: Limits, general: bool) -> Run {
        GENERAL_ONLY.with(|g| g.set(general));
        let mut f = Framer::new(limits);
        let (mut frames, mut error, mut held) = (Vec::new(), None, Vec::new());
        'pieces: for chunk in input.chunks(piece) {
            let mut rest = chunk;
            while !rest.is_empty() {
                let n = f.feed(rest);
                rest = &rest[n..];
                while let Some(r) = f.poll() {
                    match r {
                        Ok(fr) => frames.push(fr),
                        Err(e) => {
                            error = Some(e);
                            break 'pieces;
                        }
                    }
                }
                held.push(f.memory_in_use());
            }
        }
        GENERAL_ONLY.with(|g| g.set(false));
        (frames, error, held)
    }

    #[test]
    fn shortcuts_match_the_general_path() {
        let header = "<stream:stream xmlns='jabber:client' \
            xmlns:stream='http://etherx.jabber.org/streams' to='example.com'>";
        let many: String = (0..20).map(|i| format!(" a{i}='{i}'")).collect();
        let deep = format!("{}{}", "<d>".repeat(20), "</d>".repeat(20));
        let wide = format!("<w>{}</w>", "<c k='v'/>".repeat(40));
        let bodies = [
            "<message to='a@b' from='c@d/r' type='chat' id='m1'><body>hi &amp; bye</body>\
             <active xmlns='http://jabber.org/protocol/chatstates'/>\
             <request xmlns='urn:xmpp:receipts'/></message>",
            "<presence from='a@b/l' id='p1'><show>away</show><priority>5</priority>\
             <c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v='/>\
             </presence>",
            "<iq type='set' id='r1'><query xmlns='jabber:iq:roster' ver='v1'>\
             <item jid='a@b' name='A' subscription='both'><group>G</group></item>\
             </query></iq>",
            "<m a='1'/><m/><m><b/><b x='1'/></m>",
            "<m x='1' x='2'/>",
            "<m><b x='1' y='2' x='3'/></m>",
            "<m><d xmlns='urn:a' v='1' v='2'/></m>",
            "<m><d xmlns='urn:a' xmlns='urn:b'/></m>",
            "<m><d xmlns='urn:a b'/></m>",
            "<m><d xmlns='http://www.w3.org/XML/1998/namespace'/></m>",
            "<m><d xmlns='http://www.w3.org/2000/xmlns/'/></m>",
            "<m><q xmlns='jabber:client'><i a='1'/></q><r xmlns=''><i/></r></m>",
            "<m xmlns:p='urn:p'><p:a><b c='1'/></p:a><c xmlns='urn:c' p:x='1'/></m>",
            "<p:m xmlns:p='urn:p' p:x='1' x='2'><p:n/></p:m>",
            "<m xmlns='urn:m'><n xmlns='urn:m' o='1'><o/></n></m>",
            "<m a='x\ty' b='&lt;&#65;'><n c='\r\n'/></m>",
            &many,
            &format!("<m><n{many} a3='x'/></m>"),
            &deep,
            &wide,
        ];
        let few = Limits {
            max_namespace_decls: 2,
            ..Limits::default()
        };
        let small = Limits {
            max_element_bytes: 300,
            ..Limits::pre_auth()
        };
        // A first stanza makes the next ones start with room in the tree (the
        // shortcuts only run when nothing has to grow).
        let warm = format!("<warm>{}</warm>", "<x y='0123456789abcdef'/>".repeat(40));
        for body in bodies {
            let input = format!("{header}{warm}{body}{body}");
            for limits in [Limits::default(), Limits::pre_auth(), few, small] {
                for piece in [1, 7, 64, usize::MAX] {
                    let general = run(input.as_bytes(), piece, limits, true);
                    let shortcut = run(input.as_bytes(), piece, limits, false);
                    assert_eq!(shortcut, general, "{body} in pieces of {piece}");
                }
            }
        }
        // Tags met with the tree's string buffer at every fill level: the shortcuts
        // must leave all growth to the general path.
        let names = " aaaaaaaaaaaaaaaaaaaa='1' bbbbbbbbbbbbbbbbbbbbbbbb='2'";
        for k in 0..300 {
            let text = "t".repeat(k);
            let body =
                format!("<m>{text}<n{names}/><o xmlns='urn:o'{names}/></m><m{names}>{text}</m>");
            let input = format!("{header}<w/>{body}{body}");
            for (piece, limits) in [(1, Limits::default()), (usize::MAX, Limits::default())]
                .into_iter()
                .chain([(usize::MAX, small)])
            {
                let general = run(input.as_bytes(), piece, limits, true);
                let shortcut = run(input.as_bytes(), piece, limits, false);
                assert_eq!(shortcut, general, "{k} bytes of text, pieces of {piece}");
            }
        }
    }
}
