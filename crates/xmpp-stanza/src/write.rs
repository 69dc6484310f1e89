//! Direct serialisation of stanzas to bytes, without building an element tree first: the
//! fast path for sending. Produces what [`xmpp_xml::Writer`] produces for the element the
//! `to_element` methods build, up to prefixes and attribute quoting (the tests check that
//! both parse to equal trees).

use alloc::vec::Vec;

use xmpp_jid::Jid;
use xmpp_xml::{Element, Writer};

use crate::ns::ContentNs;
use crate::text::LangText;
use crate::util::clean;

/// Appends `s` escaped for character data or (with `attr`) a single-quoted attribute
/// value, replacing characters XML cannot carry by U+FFFD.
fn escape(out: &mut Vec<u8>, s: &str, attr: bool) {
    let s = clean(s);
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\r' => b"&#xD;",
            b'\'' if attr => b"&apos;",
            b'"' if attr => b"&quot;",
            b'\t' if attr => b"&#x9;",
            b'\n' if attr => b"&#xA;",
            _ => continue,
        };
        out.extend_from_slice(&bytes[last..i]);
        out.extend_from_slice(rep);
        last = i + 1;
    }
    out.extend_from_slice(&bytes[last..]);
}

/// An element being written: `<name` has been written, attributes may follow.
pub(crate) struct Tag<'o> {
    out: &'o mut Vec<u8>,
    name: &'static str,
    open: bool,
}

impl<'o> Tag<'o> {
    /// Starts `<name`, declaring `ns` as the default namespace when given.
    pub(crate) fn start(out: &'o mut Vec<u8>, name: &'static str, ns: Option<&str>) -> Self {
        out.push(b'<');
        out.extend_from_slice(name.as_bytes());
        let mut t = Tag {
            out,
            name,
            open: true,
        };
        if let Some(ns) = ns {
            t.attr("xmlns", ns);
        }
        t
    }

    /// Adds an attribute (before any content).
    pub(crate) fn attr(&mut self, name: &str, value: &str) -> &mut Self {
        self.out.push(b' ');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"='");
        escape(self.out, value, true);
        self.out.push(b'\'');
        self
    }

    /// Adds an attribute when present.
    pub(crate) fn opt_attr(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.attr(name, v);
        }
        self
    }

    /// Adds a JID attribute when present.
    pub(crate) fn opt_jid(&mut self, name: &str, value: Option<&Jid>) -> &mut Self {
        self.opt_attr(name, value.map(Jid::as_str))
    }

    /// Adds `xml:lang` when present.
    pub(crate) fn opt_lang(&mut self, lang: Option<&str>) -> &mut Self {
        self.opt_attr("xml:lang", lang)
    }

    fn content(&mut self) -> &mut Vec<u8> {
        if self.open {
            self.out.push(b'>');
            self.open = false;
        }
        self.out
    }

    /// Appends text.
    pub(crate) fn text(&mut self, t: &str) -> &mut Self {
        if !t.is_empty() {
            escape(self.content(), t, false);
        }
        self
    }

    /// Appends a child written by `f`.
    pub(crate) fn child(&mut self, f: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        f(self.content());
        self
    }

    /// Appends a raw element with `w` (see [`in_context`]).
    pub(crate) fn element(&mut self, w: &Writer, e: &Element) -> &mut Self {
        w.element(self.content(), e);
        self
    }

    /// Appends `<name xml:lang=...>text</name>` in the inherited default namespace, or
    /// in `ns` when given.
    pub(crate) fn lang_text(
        &mut self,
        name: &'static str,
        ns: Option<&str>,
        t: &LangText,
    ) -> &mut Self {
        let out = self.content();
        let mut c = Tag::start(out, name, ns);
        c.opt_lang(t.lang.as_deref()).text(&t.text);
        c.end();
        self
    }

    /// Closes the element (`/>` when it has no content).
    pub(crate) fn end(self) {
        if self.open {
            self.out.extend_from_slice(b"/>");
        } else {
            self.out.extend_from_slice(b"</");
            self.out.extend_from_slice(self.name.as_bytes());
            self.out.push(b'>');
        }
    }
}

/// The namespace to declare on a stanza: none when it is the stream's default.
pub(crate) fn decl(ns: ContentNs, stream_ns: Option<ContentNs>) -> Option<&'static str> {
    (stream_ns != Some(ns)).then(|| ns.as_str())
}

/// A writer whose default namespace is `ns`, so raw elements written with it inside a
/// stanza get exactly the declarations they need (including `xmlns=''` for an element in
/// no namespace).
pub(crate) fn in_context(ns: ContentNs) -> Writer {
    let mut w = Writer::new();
    let mut scratch = Vec::new();
    // A content namespace and no attributes: cannot fail.
    let _ = w.stream_open(&mut scratch, ns.as_str(), &[]);
    w
}
