//! Serialisation: stream header, elements, stream close. Escapes everything the parser
//! would otherwise read differently, chooses prefixes itself, and never emits what the
//! parser rejects, so `parse(write(e)) == e`.

use alloc::string::String;
use alloc::vec::Vec;

use crate::chars::{all_chars, is_namespace_name, is_ncname};
use crate::element::{Element, ElementRef, Node};
use crate::error::BuildError;
use crate::namespaces::{STREAM_NS, XML_NS, XMLNS_NS};

/// Where serialised text goes.
pub(crate) trait Out {
    fn put(&mut self, s: &str);
}

impl Out for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

impl Out for Vec<u8> {
    fn put(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }
}

/// Writes `s` escaped for character data: `&`, `<`, `>` (so `]]>` cannot appear) and
/// `\r` (which the parser would turn into `\n`).
fn escape_text<O: Out>(s: &str, out: &mut O) {
    escape(s, out, false);
}

/// Writes `s` escaped for an attribute value in single quotes: additionally the quotes
/// and the whitespace that attribute-value normalisation would turn into spaces.
fn escape_attr<O: Out>(s: &str, out: &mut O) {
    escape(s, out, true);
}

fn escape<O: Out>(s: &str, out: &mut O, attr: bool) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#xD;",
            b'\'' if attr => "&apos;",
            b'"' if attr => "&quot;",
            b'\t' if attr => "&#x9;",
            b'\n' if attr => "&#xA;",
            _ => continue,
        };
        // `i` and `last` are at ASCII bytes, hence char boundaries.
        out.put(s.get(last..i).unwrap_or(""));
        out.put(rep);
        last = i + 1;
    }
    out.put(s.get(last..).unwrap_or(""));
}

/// Serialises XML stream headers, elements and the stream close.
///
/// A writer remembers the content namespace and the `stream` prefix of the header it
/// wrote, so elements inside the stream are written without redundant declarations.
///
/// ```
/// use xmpp_xml::{Element, Writer};
/// let mut w = Writer::new();
/// let mut out = Vec::new();
/// w.stream_open(&mut out, "jabber:client", &[("to", "example.com"), ("version", "1.0")])?;
/// let msg = Element::builder("jabber:client", "message").attr("to", "a@b").build()?;
/// w.element(&mut out, &msg);
/// w.stream_close(&mut out);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
///      xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>\
///      <message to='a@b'/></stream:stream>"
/// );
/// # Ok::<(), xmpp_xml::BuildError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Writer {
    content_ns: String,
    in_stream: bool,
}

impl Writer {
    /// A writer outside any stream: every element carries its namespace declarations.
    #[must_use]
    pub fn new() -> Self {
        Writer::default()
    }

    /// Writes the XML declaration and the stream header
    /// ([RFC 6120 §4.7](https://www.rfc-editor.org/rfc/rfc6120#section-4.7)), with
    /// `content_ns` as the default namespace and the `stream` prefix. Attribute names are
    /// `NCName`s or `xml:lang`.
    ///
    /// # Errors
    /// A [`BuildError`] (and nothing written) for an invalid name, value or namespace.
    pub fn stream_open(
        &mut self,
        out: &mut Vec<u8>,
        content_ns: &str,
        attrs: &[(&str, &str)],
    ) -> Result<(), BuildError> {
        if !is_namespace_name(content_ns) || matches!(content_ns, STREAM_NS | XML_NS | XMLNS_NS) {
            return Err(BuildError::new("invalid content namespace"));
        }
        for (i, (name, value)) in attrs.iter().enumerate() {
            if !(is_ncname(name) || *name == "xml:lang") || *name == "xmlns" {
                return Err(BuildError::new("invalid stream header attribute name"));
            }
            if !all_chars(value) {
                return Err(BuildError::new(
                    "attribute value contains a non-XML character",
                ));
            }
            if attrs[..i].iter().any(|(n, _)| n == name) {
                return Err(BuildError::new("duplicate attribute"));
            }
        }
        out.put("<?xml version='1.0'?><stream:stream xmlns='");
        escape_attr(content_ns, out);
        out.put("' xmlns:stream='");
        out.put(STREAM_NS);
        out.put("'");
        for (name, value) in attrs {
            out.put(" ");
            out.put(name);
            out.put("='");
            escape_attr(value, out);
            out.put("'");
        }
        out.put(">");
        self.content_ns = String::from(content_ns);
        self.in_stream = true;
        Ok(())
    }

    /// Writes one element (a stanza or nonza) and its subtree.
    pub fn element(&self, out: &mut Vec<u8>, element: &Element) {
        write_tree(element.as_ref(), &self.content_ns, self.in_stream, out);
    }

    /// Like [`Writer::element`] for a borrowed subtree.
    pub fn element_ref(&self, out: &mut Vec<u8>, element: ElementRef<'_>) {
        write_tree(element, &self.content_ns, self.in_stream, out);
    }

    /// Writes `</stream:stream>` ([RFC 6120 §4.4](https://www.rfc-editor.org/rfc/rfc6120#section-4.4)).
    pub fn stream_close(&mut self, out: &mut Vec<u8>) {
        out.put("</stream:stream>");
        self.in_stream = false;
        self.content_ns.clear();
    }
}

/// Serialises a subtree outside any stream (used by `Display`).
pub(crate) fn write_subtree(e: ElementRef<'_>, default_ns: &str, out: &mut String) {
    write_tree(e, default_ns, false, out);
}

struct Frame<'a> {
    end: usize,
    prefix: Option<&'static str>,
    name: &'a str,
    default: &'a str,
}

fn write_tree<'a, O: Out>(e: ElementRef<'a>, default_ns: &'a str, stream: bool, out: &mut O) {
    let (nodes, buf, root) = e.raw();
    let root_end = match nodes.get(root) {
        Some(Node::Elem { end, .. }) => (*end as usize).min(nodes.len()),
        _ => return,
    };
    let mut stack: Vec<Frame<'a>> = Vec::new();
    let mut default: &'a str = default_ns;
    let mut attr_ns: Vec<&'a str> = Vec::new();
    let mut i = root;
    loop {
        while let Some(top) = stack.last() {
            if top.end > i && i < root_end {
                break;
            }
            out.put("</");
            if let Some(p) = top.prefix {
                out.put(p);
                out.put(":");
            }
            out.put(top.name);
            out.put(">");
            default = top.default;
            stack.pop();
        }
        if i >= root_end {
            break;
        }
        match nodes[i] {
            Node::Elem {
                ns,
                name,
                attrs,
                end,
            } => {
                let ns = ns.get(buf);
                let name = name.get(buf);
                let (prefix, declare) = if ns == XML_NS {
                    (Some("xml"), false)
                } else if stream && ns == STREAM_NS {
                    (Some("stream"), false)
                } else {
                    (None, ns != default)
                };
                out.put("<");
                if let Some(p) = prefix {
                    out.put(p);
                    out.put(":");
                }
                out.put(name);
                let saved = default;
                if declare {
                    out.put(" xmlns='");
                    escape_attr(ns, out);
                    out.put("'");
                    default = ns;
                }
                let first = i + 1;
                let last = (first + attrs as usize).min(nodes.len());
                attr_ns.clear();
                for n in &nodes[first..last] {
                    if let Node::Attr { ns, .. } = n {
                        let ns = ns.get(buf);
                        if !ns.is_empty() && ns != XML_NS && !attr_ns.contains(&ns) {
                            out.put(" xmlns:n");
                            put_num(attr_ns.len(), out);
                            out.put("='");
                            escape_attr(ns, out);
                            out.put("'");
                            attr_ns.push(ns);
                        }
                    }
                }
                for n in &nodes[first..last] {
                    if let Node::Attr { ns, name, value } = n {
                        let ns = ns.get(buf);
                        out.put(" ");
                        if ns == XML_NS {
                            out.put("xml:");
                        } else if !ns.is_empty() {
                            out.put("n");
                            put_num(attr_ns.iter().position(|x| *x == ns).unwrap_or(0), out);
                            out.put(":");
                        }
                        out.put(name.get(buf));
                        out.put("='");
                        escape_attr(value.get(buf), out);
                        out.put("'");
                    }
                }
                let end = end as usize;
                if end <= last {
                    out.put("/>");
                    default = saved;
                    i = last.max(i + 1);
                } else {
                    out.put(">");
                    stack.push(Frame {
                        end,
                        prefix,
                        name,
                        default: saved,
                    });
                    i = last;
                }
            }
            Node::Text(t) => {
                escape_text(t.get(buf), out);
                i += 1;
            }
            Node::Attr { .. } => i += 1,
        }
    }
}

fn put_num<O: Out>(n: usize, out: &mut O) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    let mut n = n;
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put(core::str::from_utf8(&digits[k..]).unwrap_or("0"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let mut s = String::new();
        escape_text("a]]>b&c<d\re\tf\ng'\"", &mut s);
        assert_eq!(s, "a]]&gt;b&amp;c&lt;d&#xD;e\tf\ng'\"");
        let mut s = String::new();
        escape_attr("a]]>b&c<d\re\tf\ng'\"", &mut s);
        assert_eq!(s, "a]]&gt;b&amp;c&lt;d&#xD;e&#x9;f&#xA;g&apos;&quot;");
    }

    #[test]
    fn prefixes() {
        let inner = Element::builder("", "plain").build().unwrap();
        let e = Element::builder("jabber:client", "message")
            .attr_ns("urn:a", "x", "1")
            .attr_ns("urn:b", "y", "2")
            .attr_ns("urn:a", "z", "3")
            .attr_ns(XML_NS, "lang", "en")
            .child(inner)
            .build()
            .unwrap();
        let mut out = Vec::new();
        Writer::new().element(&mut out, &e);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<message xmlns='jabber:client' xmlns:n0='urn:a' xmlns:n1='urn:b' n0:x='1' \
             n1:y='2' n0:z='3' xml:lang='en'><plain xmlns=''/></message>"
        );
        assert_eq!(Element::parse(e.to_string().as_bytes()).unwrap(), e);
    }
}
