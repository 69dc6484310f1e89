//! A compact owned element tree: one `Vec` of nodes in document order plus one `String`
//! holding every name, namespace, value and text, so a parsed stanza costs two
//! allocations however many nodes it has.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::builder::Builder;

/// A byte range of the string buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

impl Span {
    #[inline]
    pub(crate) fn get(self, buf: &str) -> &str {
        let start = self.start as usize;
        buf.get(start..start + self.len as usize).unwrap_or("")
    }

    /// The bytes of the span in a byte buffer (a tree under construction).
    #[inline]
    pub(crate) fn bytes(self, buf: &[u8]) -> &[u8] {
        let start = self.start as usize;
        buf.get(start..start + self.len as usize).unwrap_or(&[])
    }
}

/// One node of the flat tree. Attributes follow their element; an element's subtree ends
/// before index `end`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Node {
    Elem {
        ns: Span,
        name: Span,
        attrs: u32,
        end: u32,
    },
    Attr {
        ns: Span,
        name: Span,
        value: Span,
    },
    Text(Span),
}

/// An owned XML element with its attributes and children: namespaces are resolved, names
/// are `(namespace, local name)` pairs, prefixes are not kept.
///
/// Equality compares namespaces, local names, attributes (in any order), and children and
/// text in order; it ignores the prefixes the element was written with.
#[derive(Clone)]
pub struct Element {
    pub(crate) nodes: Vec<Node>,
    pub(crate) buf: String,
}

/// A borrowed view of an element inside an [`Element`] tree.
#[derive(Clone, Copy)]
pub struct ElementRef<'a> {
    nodes: &'a [Node],
    buf: &'a str,
    idx: usize,
}

/// An attribute as `(namespace, local name, value)`; the namespace of an unprefixed
/// attribute is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attribute<'a> {
    /// Namespace name, empty for an unprefixed attribute.
    pub ns: &'a str,
    /// Local name.
    pub name: &'a str,
    /// Value, with entity and character references replaced and whitespace normalised as
    /// [XML 1.0 §3.3.3](https://www.w3.org/TR/xml/#AVNormalize) requires.
    pub value: &'a str,
}

/// A child node: an element or a run of text (adjacent text, CDATA sections and
/// references are merged into one run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRef<'a> {
    /// A child element.
    Element(ElementRef<'a>),
    /// Character data.
    Text(&'a str),
}

impl Element {
    pub(crate) fn with_capacity(nodes: usize, bytes: usize) -> Self {
        Element {
            nodes: Vec::with_capacity(nodes),
            buf: String::with_capacity(bytes),
        }
    }

    /// Starts building an element `{ns}name`.
    pub fn builder(ns: impl Into<String>, name: impl Into<String>) -> Builder {
        Builder::new(ns.into(), name.into())
    }

    /// A borrowed view of the root element.
    #[must_use]
    pub fn as_ref(&self) -> ElementRef<'_> {
        ElementRef {
            nodes: &self.nodes,
            buf: &self.buf,
            idx: 0,
        }
    }

    /// Local name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.as_ref().name()
    }

    /// Namespace name (empty when the element is in no namespace).
    #[must_use]
    pub fn ns(&self) -> &str {
        self.as_ref().ns()
    }

    /// Whether the element is `{ns}name`.
    #[must_use]
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.as_ref().is(ns, name)
    }

    /// Value of the unprefixed attribute `name`.
    #[must_use]
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.as_ref().attr(name)
    }

    /// Value of the attribute `{ns}name`.
    #[must_use]
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.as_ref().attr_ns(ns, name)
    }

    /// The attributes, in document order.
    pub fn attrs(&self) -> Attrs<'_> {
        self.as_ref().attrs()
    }

    /// Child nodes (elements and text), in document order.
    pub fn nodes(&self) -> Nodes<'_> {
        self.as_ref().nodes()
    }

    /// Child elements, in document order.
    pub fn children(&self) -> Children<'_> {
        self.as_ref().children()
    }

    /// The first child element `{ns}name`.
    #[must_use]
    pub fn get_child(&self, ns: &str, name: &str) -> Option<ElementRef<'_>> {
        self.as_ref().get_child(ns, name)
    }

    /// The text directly inside this element (child elements' text excluded).
    #[must_use]
    pub fn text(&self) -> Cow<'_, str> {
        self.as_ref().text()
    }

    /// Number of nodes (elements, attributes, text runs) in the tree.
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
}

impl<'a> ElementRef<'a> {
    #[inline]
    fn head(&self) -> (Span, Span, usize, usize) {
        match self.nodes.get(self.idx) {
            Some(&Node::Elem {
                ns,
                name,
                attrs,
                end,
            }) => (ns, name, attrs as usize, end as usize),
            _ => (Span::default(), Span::default(), 0, self.idx),
        }
    }

    /// Local name.
    #[must_use]
    pub fn name(&self) -> &'a str {
        self.head().1.get(self.buf)
    }

    /// Namespace name (empty when the element is in no namespace).
    #[must_use]
    pub fn ns(&self) -> &'a str {
        self.head().0.get(self.buf)
    }

    /// Whether the element is `{ns}name`.
    #[must_use]
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.name() == name && self.ns() == ns
    }

    /// Value of the unprefixed attribute `name`.
    #[must_use]
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.attr_ns("", name)
    }

    /// Value of the attribute `{ns}name`.
    #[must_use]
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&'a str> {
        self.attrs()
            .find(|a| a.name == name && a.ns == ns)
            .map(|a| a.value)
    }

    /// The attributes, in document order.
    #[must_use]
    pub fn attrs(&self) -> Attrs<'a> {
        let (_, _, attrs, _) = self.head();
        let start = (self.idx + 1).min(self.nodes.len());
        let end = (start + attrs).min(self.nodes.len());
        Attrs {
            nodes: self.nodes.get(start..end).unwrap_or(&[]),
            buf: self.buf,
        }
    }

    /// Child nodes (elements and text), in document order.
    #[must_use]
    pub fn nodes(&self) -> Nodes<'a> {
        let (_, _, attrs, end) = self.head();
        Nodes {
            nodes: self.nodes,
            buf: self.buf,
            pos: self.idx + 1 + attrs,
            end: end.min(self.nodes.len()),
        }
    }

    /// Child elements, in document order.
    #[must_use]
    pub fn children(&self) -> Children<'a> {
        Children(self.nodes())
    }

    /// The first child element `{ns}name`.
    #[must_use]
    pub fn get_child(&self, ns: &str, name: &str) -> Option<ElementRef<'a>> {
        self.children().find(|c| c.is(ns, name))
    }

    /// The text directly inside this element (child elements' text excluded); borrowed
    /// when it is a single run.
    #[must_use]
    pub fn text(&self) -> Cow<'a, str> {
        let mut out: Cow<'a, str> = Cow::Borrowed("");
        for n in self.nodes() {
            if let NodeRef::Text(t) = n {
                if out.is_empty() {
                    out = Cow::Borrowed(t);
                } else {
                    out.to_mut().push_str(t);
                }
            }
        }
        out
    }

    /// Copies this element and its subtree into a new owned [`Element`].
    #[must_use]
    pub fn to_owned(&self) -> Element {
        let (_, _, _, end) = self.head();
        let sub = self.nodes.get(self.idx..end).unwrap_or(&[]);
        let mut out = Element::with_capacity(sub.len(), 0);
        let base = self.idx as u32;
        let copy = |s: Span, buf: &mut String| {
            let start = buf.len() as u32;
            buf.push_str(s.get(self.buf));
            Span { start, len: s.len }
        };
        for n in sub {
            let node = match *n {
                Node::Elem {
                    ns,
                    name,
                    attrs,
                    end,
                } => Node::Elem {
                    ns: copy(ns, &mut out.buf),
                    name: copy(name, &mut out.buf),
                    attrs,
                    end: end.wrapping_sub(base),
                },
                Node::Attr { ns, name, value } => Node::Attr {
                    ns: copy(ns, &mut out.buf),
                    name: copy(name, &mut out.buf),
                    value: copy(value, &mut out.buf),
                },
                Node::Text(t) => Node::Text(copy(t, &mut out.buf)),
            };
            out.nodes.push(node);
        }
        out
    }

    pub(crate) fn raw(&self) -> (&'a [Node], &'a str, usize) {
        (self.nodes, self.buf, self.idx)
    }
}

/// Iterator over an element's attributes.
#[derive(Clone)]
pub struct Attrs<'a> {
    nodes: &'a [Node],
    buf: &'a str,
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Attribute<'a>;

    fn next(&mut self) -> Option<Attribute<'a>> {
        loop {
            let (first, rest) = self.nodes.split_first()?;
            self.nodes = rest;
            if let Node::Attr { ns, name, value } = *first {
                return Some(Attribute {
                    ns: ns.get(self.buf),
                    name: name.get(self.buf),
                    value: value.get(self.buf),
                });
            }
        }
    }
}

/// Iterator over an element's child nodes.
#[derive(Clone)]
pub struct Nodes<'a> {
    nodes: &'a [Node],
    buf: &'a str,
    pos: usize,
    end: usize,
}

impl<'a> Iterator for Nodes<'a> {
    type Item = NodeRef<'a>;

    fn next(&mut self) -> Option<NodeRef<'a>> {
        while self.pos < self.end {
            let idx = self.pos;
            match *self.nodes.get(idx)? {
                Node::Elem { end, .. } => {
                    // `end > idx` always holds; `max` keeps a corrupted tree from looping.
                    self.pos = (end as usize).max(idx + 1);
                    return Some(NodeRef::Element(ElementRef {
                        nodes: self.nodes,
                        buf: self.buf,
                        idx,
                    }));
                }
                Node::Text(t) => {
                    self.pos += 1;
                    return Some(NodeRef::Text(t.get(self.buf)));
                }
                Node::Attr { .. } => self.pos += 1,
            }
        }
        None
    }
}

/// Iterator over an element's child elements.
#[derive(Clone)]
pub struct Children<'a>(Nodes<'a>);

impl<'a> Iterator for Children<'a> {
    type Item = ElementRef<'a>;

    fn next(&mut self) -> Option<ElementRef<'a>> {
        for n in self.0.by_ref() {
            if let NodeRef::Element(e) = n {
                return Some(e);
            }
        }
        None
    }
}

/// Structural equality of two subtrees, iterative (no recursion, whatever the depth).
fn subtree_eq(a: ElementRef<'_>, b: ElementRef<'_>) -> bool {
    let (an, abuf, ai) = a.raw();
    let (bn, bbuf, bi) = b.raw();
    let (Some(Node::Elem { end: aend, .. }), Some(Node::Elem { end: bend, .. })) =
        (an.get(ai), bn.get(bi))
    else {
        return false;
    };
    let (aend, bend) = (*aend as usize, *bend as usize);
    if aend.wrapping_sub(ai) != bend.wrapping_sub(bi) || aend > an.len() || bend > bn.len() {
        return false;
    }
    let mut k = 0;
    while ai + k < aend {
        let (i, j) = (ai + k, bi + k);
        match (an[i], bn[j]) {
            (
                Node::Elem {
                    ns: n1,
                    name: m1,
                    attrs: c1,
                    end: e1,
                },
                Node::Elem {
                    ns: n2,
                    name: m2,
                    attrs: c2,
                    end: e2,
                },
            ) => {
                if n1.get(abuf) != n2.get(bbuf)
                    || m1.get(abuf) != m2.get(bbuf)
                    || c1 != c2
                    || (e1 as usize).wrapping_sub(i) != (e2 as usize).wrapping_sub(j)
                {
                    return false;
                }
                let ea = ElementRef {
                    nodes: an,
                    buf: abuf,
                    idx: i,
                };
                let eb = ElementRef {
                    nodes: bn,
                    buf: bbuf,
                    idx: j,
                };
                // Attribute names are unique, so equal counts plus inclusion is set equality.
                for x in ea.attrs() {
                    if eb.attr_ns(x.ns, x.name) != Some(x.value) {
                        return false;
                    }
                }
                k += 1 + c1 as usize;
            }
            (Node::Text(t1), Node::Text(t2)) => {
                if t1.get(abuf) != t2.get(bbuf) {
                    return false;
                }
                k += 1;
            }
            _ => return false,
        }
    }
    true
}

impl PartialEq for ElementRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        subtree_eq(*self, *other)
    }
}

impl Eq for ElementRef<'_> {}

impl PartialEq for Element {
    fn eq(&self, other: &Self) -> bool {
        subtree_eq(self.as_ref(), other.as_ref())
    }
}

impl Eq for Element {}

impl PartialEq<ElementRef<'_>> for Element {
    fn eq(&self, other: &ElementRef<'_>) -> bool {
        subtree_eq(self.as_ref(), *other)
    }
}

impl fmt::Display for ElementRef<'_> {
    /// Serialises the element with [`Writer`](crate::Writer) defaults.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        crate::writer::write_subtree(*self, "", &mut s);
        f.write_str(&s)
    }
}

impl fmt::Debug for ElementRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Element({self})")
    }
}

impl fmt::Display for Element {
    /// Serialises the element with [`Writer`](crate::Writer) defaults.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.as_ref(), f)
    }
}

impl fmt::Debug for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_ref(), f)
    }
}

impl Element {
    #[inline]
    pub(crate) fn push_str(&mut self, s: &str) -> Span {
        let start = self.buf.len() as u32;
        self.buf.push_str(s);
        Span {
            start,
            len: s.len() as u32,
        }
    }

    /// Appends text as a child of the open element, merging with a directly preceding text
    /// run.
    pub(crate) fn push_text(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        let start = self.buf.len() as u32;
        self.buf.push_str(t);
        if let Some(Node::Text(span)) = self.nodes.last_mut()
            && span.start + span.len == start
        {
            span.len += t.len() as u32;
            return;
        }
        self.nodes.push(Node::Text(Span {
            start,
            len: t.len() as u32,
        }));
    }

    /// Appends a copy of `e`'s whole tree as a child.
    pub(crate) fn append_tree(&mut self, e: &Element) {
        let base_node = self.nodes.len() as u32;
        let base_buf = self.buf.len() as u32;
        self.buf.push_str(&e.buf);
        let shift = |s: Span| Span {
            start: s.start + base_buf,
            len: s.len,
        };
        for n in &e.nodes {
            self.nodes.push(match *n {
                Node::Elem {
                    ns,
                    name,
                    attrs,
                    end,
                } => Node::Elem {
                    ns: shift(ns),
                    name: shift(name),
                    attrs,
                    end: end + base_node,
                },
                Node::Attr { ns, name, value } => Node::Attr {
                    ns: shift(ns),
                    name: shift(name),
                    value: shift(value),
                },
                Node::Text(t) => Node::Text(shift(t)),
            });
        }
    }

    /// Sets the end of the element at `idx` to the current node count.
    #[inline]
    pub(crate) fn close(&mut self, idx: usize) {
        let len = self.nodes.len() as u32;
        if let Some(Node::Elem { end, .. }) = self.nodes.get_mut(idx) {
            *end = len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::namespaces::{XML_NS, XMLNS_NS};

    fn sample() -> Element {
        let body = Element::builder("jabber:client", "body")
            .text("hello ")
            .text("world")
            .build()
            .unwrap();
        Element::builder("jabber:client", "message")
            .attr("to", "a@b")
            .attr_ns(XML_NS, "lang", "en")
            .child(body)
            .child(Element::builder("urn:x", "x").build().unwrap())
            .text("tail")
            .build()
            .unwrap()
    }

    #[test]
    fn accessors() {
        let m = sample();
        assert!(m.is("jabber:client", "message"));
        assert_eq!(m.attr("to"), Some("a@b"));
        assert_eq!(m.attr_ns(XML_NS, "lang"), Some("en"));
        assert_eq!(m.attr("lang"), None);
        assert_eq!(m.attrs().count(), 2);
        assert_eq!(m.children().count(), 2);
        let body = m.get_child("jabber:client", "body").unwrap();
        assert_eq!(body.text(), "hello world");
        assert_eq!(m.text(), "tail");
        assert_eq!(body.to_owned(), body);
        assert_eq!(m.as_ref().to_owned(), m);
        assert_eq!(m.node_count(), 7);
    }

    #[test]
    fn equality_ignores_attribute_order_not_namespaces() {
        let a = Element::builder("n", "e")
            .attr("x", "1")
            .attr("y", "2")
            .build();
        let b = Element::builder("n", "e")
            .attr("y", "2")
            .attr("x", "1")
            .build();
        assert_eq!(a, b);
        let c = Element::builder("m", "e")
            .attr("y", "2")
            .attr("x", "1")
            .build();
        assert_ne!(a, c);
        let d = Element::builder("n", "e")
            .attr_ns("n", "x", "1")
            .attr("y", "2")
            .build();
        assert_ne!(a, d);
    }

    #[test]
    fn equality_sees_structure() {
        let z = || Element::builder("n", "z").build().unwrap();
        let y = Element::builder("n", "y").build().unwrap();
        let a = Element::builder("n", "x")
            .child(y.clone())
            .child(z())
            .build();
        let yz = Element::builder("n", "y").child(z()).build().unwrap();
        let b = Element::builder("n", "x").child(yz).build();
        assert_ne!(a, b);
    }

    #[test]
    fn builder_rejects() {
        assert!(Element::builder("n", "a:b").build().is_err());
        assert!(Element::builder("n a", "b").build().is_err());
        assert!(Element::builder(XMLNS_NS, "b").build().is_err());
        assert!(
            Element::builder("n", "b")
                .attr("xmlns", "x")
                .build()
                .is_err()
        );
        assert!(
            Element::builder("n", "b")
                .attr("a", "\u{0}")
                .build()
                .is_err()
        );
        assert!(Element::builder("n", "b").text("\u{FFFE}").build().is_err());
        assert!(
            Element::builder("n", "b")
                .attr("a", "1")
                .attr("a", "2")
                .build()
                .is_err()
        );
        assert!(
            Element::builder("n", "b")
                .attr("a", "1")
                .attr_ns("u", "a", "2")
                .build()
                .is_ok()
        );
    }
}
