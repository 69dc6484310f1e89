//! [`Builder`]: assembles an [`Element`] from parts, checking that everything can be
//! written and read back.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::chars::{all_chars, is_namespace_name, is_ncname};
use crate::element::{Element, Node};
use crate::error::BuildError;
use crate::namespaces::XMLNS_NS;

enum Child {
    Elem(Element),
    Text(String),
}

/// Builds an [`Element`]; [`Builder::build`] checks that everything can be written and read
/// back (XML names, `Char`s, namespace names, unique attributes).
///
/// ```
/// use xmpp_xml::Element;
/// let body = Element::builder("jabber:client", "body").text("hi").build()?;
/// let msg = Element::builder("jabber:client", "message")
///     .attr("to", "juliet@example.com")
///     .attr("type", "chat")
///     .child(body)
///     .build()?;
/// assert_eq!(msg.get_child("jabber:client", "body").unwrap().text(), "hi");
/// # Ok::<(), xmpp_xml::BuildError>(())
/// ```
pub struct Builder {
    ns: String,
    name: String,
    attrs: Vec<(String, String, String)>,
    children: Vec<Child>,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("ns", &self.ns)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Builder {
    pub(crate) fn new(ns: String, name: String) -> Self {
        Builder {
            ns,
            name,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds the unprefixed attribute `name`.
    #[must_use]
    pub fn attr(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attr_ns("", name, value)
    }

    /// Adds the attribute `{ns}name` (for example `xml:lang` is
    /// `("http://www.w3.org/XML/1998/namespace", "lang")`).
    #[must_use]
    pub fn attr_ns(
        mut self,
        ns: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.attrs.push((ns.into(), name.into(), value.into()));
        self
    }

    /// Appends text.
    #[must_use]
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.children.push(Child::Text(text.into()));
        self
    }

    /// Appends a child element.
    #[must_use]
    pub fn child(mut self, child: Element) -> Self {
        self.children.push(Child::Elem(child));
        self
    }

    /// Checks and assembles the element (one node vector and one string buffer).
    ///
    /// # Errors
    /// A [`BuildError`] when a name is not an `NCName`, a namespace name contains
    /// whitespace or control characters or is reserved, an attribute repeats, or text
    /// contains a character XML forbids.
    pub fn build(self) -> Result<Element, BuildError> {
        if !is_ncname(&self.name) {
            return Err(BuildError::new("element name is not an XML NCName"));
        }
        if !is_namespace_name(&self.ns) || self.ns == XMLNS_NS {
            return Err(BuildError::new("invalid element namespace"));
        }
        for (i, (ns, name, value)) in self.attrs.iter().enumerate() {
            if !is_ncname(name) {
                return Err(BuildError::new("attribute name is not an XML NCName"));
            }
            if !is_namespace_name(ns) || ns == XMLNS_NS || (ns.is_empty() && name == "xmlns") {
                return Err(BuildError::new("invalid attribute namespace"));
            }
            if !all_chars(value) {
                return Err(BuildError::new(
                    "attribute value contains a non-XML character",
                ));
            }
            if self.attrs[..i].iter().any(|(n, m, _)| n == ns && m == name) {
                return Err(BuildError::new("duplicate attribute"));
            }
        }
        let mut bytes = self.ns.len() + self.name.len();
        let mut count = 1 + self.attrs.len();
        for (ns, name, value) in &self.attrs {
            bytes += ns.len() + name.len() + value.len();
        }
        for c in &self.children {
            match c {
                Child::Elem(e) => {
                    bytes += e.buf.len();
                    count += e.nodes.len();
                }
                Child::Text(t) => {
                    if !all_chars(t) {
                        return Err(BuildError::new("text contains a non-XML character"));
                    }
                    bytes += t.len();
                    count += 1;
                }
            }
        }
        if bytes > u32::MAX as usize || count > u32::MAX as usize {
            return Err(BuildError::new("element too large"));
        }
        let mut out = Element::with_capacity(count, bytes);
        let ns = out.push_str(&self.ns);
        let name = out.push_str(&self.name);
        out.nodes.push(Node::Elem {
            ns,
            name,
            attrs: self.attrs.len() as u32,
            end: 0,
        });
        for (ns, name, value) in &self.attrs {
            let ns = out.push_str(ns);
            let name = out.push_str(name);
            let value = out.push_str(value);
            out.nodes.push(Node::Attr { ns, name, value });
        }
        for c in &self.children {
            match c {
                Child::Text(t) => out.push_text(t),
                Child::Elem(e) => out.append_tree(e),
            }
        }
        out.close(0);
        Ok(out)
    }
}
