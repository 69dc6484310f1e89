//! XML-level comparison: frames of a stream rendered in a canonical text form.
//!
//! Canonical form: `{ns}name` with attributes sorted by (namespace, name), children in
//! order, text with every whitespace run that contains a line break removed (the RFC's
//! line breaks and indentation are editorial), so whitespace-only text between
//! elements disappears while spaces inside a line stay significant.

use xmpp_core::deps::xmpp_xml::{Element, ElementRef, Frame, Framer, Limits, NodeRef};

use crate::format::Mods;

/// The wrapper that gives a standalone element line its stream context.
const CONTEXT: &[u8] = b"<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

/// Removes editorial line breaks and their indentation from text.
pub fn normalize_text(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut ws = String::new();
    for c in t.chars() {
        if c.is_ascii_whitespace() {
            ws.push(c);
        } else {
            if !ws.contains('\n') {
                out.push_str(&ws);
            }
            ws.clear();
            out.push(c);
        }
    }
    if !ws.contains('\n') {
        out.push_str(&ws);
    }
    out
}

fn attrs_sorted(e: ElementRef<'_>, mods: Option<&Mods>) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = e
        .attrs()
        .filter(|a| !mods.is_some_and(|m| a.ns.is_empty() && m.omit.iter().any(|o| o == a.name)))
        .map(|a| (a.ns.to_owned(), a.name.to_owned(), a.value.to_owned()))
        .collect();
    v.sort();
    v
}

fn render_attrs(out: &mut String, attrs: &[(String, String, String)]) {
    for (ns, name, value) in attrs {
        if ns.is_empty() {
            out.push_str(&format!(" {name}={value:?}"));
        } else {
            out.push_str(&format!(" {{{ns}}}{name}={value:?}"));
        }
    }
}

fn render_element(out: &mut String, e: ElementRef<'_>, mods: Option<&Mods>) {
    out.push_str(&format!("<{{{}}}{}", e.ns(), e.name()));
    render_attrs(out, &attrs_sorted(e, mods));
    out.push('>');
    for n in e.nodes() {
        match n {
            NodeRef::Element(c) => render_element(out, c, None),
            NodeRef::Text(t) => out.push_str(&normalize_text(t)),
        }
    }
    out.push_str("</>");
}

/// The canonical text of a frame. `mods` (omissions) apply to its top element.
pub fn render_frame(f: &Frame, mods: Option<&Mods>) -> String {
    let mut out = String::new();
    match f {
        Frame::StreamOpen(h) => {
            out.push_str("<stream-open");
            let mut ns: Vec<_> = h.namespaces().collect();
            ns.sort();
            for (p, u) in ns {
                out.push_str(&format!(" xmlns:{p}={u:?}"));
            }
            render_attrs(&mut out, &attrs_sorted(h.element().as_ref(), mods));
            out.push('>');
        }
        Frame::Element(e) => render_element(&mut out, e.as_ref(), mods),
        Frame::StreamClose => out.push_str("</stream-close>"),
        other => out.push_str(&format!("{other:?}")),
    }
    out
}

/// The top element's attribute `name` (unprefixed) of a frame.
pub fn frame_attr<'a>(f: &'a Frame, name: &str) -> Option<&'a str> {
    match f {
        Frame::StreamOpen(h) => h.attr(name),
        Frame::Element(e) => e.attr(name),
        _ => None,
    }
}

fn generous() -> Limits {
    let mut l = Limits::default();
    l.max_element_bytes = 1 << 20;
    l.input_buffer = 1 << 20;
    l
}

/// Parses the frames of one transcript line. A line that does not start with a stream
/// header is read inside a `jabber:client` stream context.
pub fn parse_frames(text: &str) -> Result<Vec<Frame>, String> {
    let t = text.trim_start();
    let starts_stream = t.starts_with("<?xml") || t.starts_with("<stream:stream");
    let mut framer = Framer::new(generous());
    let mut frames = Vec::new();
    if !starts_stream {
        feed_all(&mut framer, CONTEXT, &mut Vec::new())?;
    }
    feed_all(&mut framer, t.as_bytes(), &mut frames)?;
    if framer.unprocessed() != 0 {
        return Err(format!("incomplete XML in line: {text}"));
    }
    Ok(frames)
}

fn feed_all(framer: &mut Framer, mut data: &[u8], frames: &mut Vec<Frame>) -> Result<(), String> {
    loop {
        let n = framer.feed(data);
        data = &data[n..];
        let mut progressed = n > 0;
        while let Some(r) = framer.poll() {
            progressed = true;
            match r {
                Ok(f) => frames.push(f),
                Err(e) => return Err(format!("XML error in transcript line: {e}")),
            }
        }
        if data.is_empty() || !progressed {
            return Ok(());
        }
    }
}

/// A parsed stanza element for `Connection::send`.
pub fn parse_element(text: &str) -> Result<Element, String> {
    let frames = parse_frames(text)?;
    match <[Frame; 1]>::try_from(frames) {
        Ok([Frame::Element(e)]) => Ok(e),
        _ => Err(format!("expected exactly one element: {text}")),
    }
}

/// Incremental reader of what the connection under test wrote: one frame at a time,
/// with a fresh framer for every new stream header (after TLS or SASL the writer
/// starts a new stream).
pub struct OutputReader {
    framer: Framer,
    buf: Vec<u8>,
    /// How many bytes of `buf` the framer has already taken.
    fed: usize,
}

impl OutputReader {
    pub fn new() -> Self {
        OutputReader {
            framer: Framer::new(generous()),
            buf: Vec::new(),
            fed: 0,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Unmatched bytes written so far.
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// Takes leading whitespace (a keepalive); how many bytes.
    pub fn take_whitespace(&mut self) -> usize {
        if self.fed != 0 {
            return 0;
        }
        let n = self.buf.len() - self.buf.trim_ascii_start().len();
        self.buf.drain(..n);
        n
    }

    /// The next complete frame, consuming exactly its bytes; `Ok(None)` when the
    /// written bytes end before a frame does. Whitespace before a frame is an error:
    /// keepalives must be matched explicitly.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, String> {
        if self.fed == 0 {
            if self.buf.first().is_some_and(u8::is_ascii_whitespace) {
                return Err("unexpected whitespace in our output".into());
            }
            if self.buf.starts_with(b"<?xml") || self.buf.starts_with(b"<stream:stream") {
                self.framer = Framer::new(generous());
            }
        }
        while self.fed < self.buf.len() {
            let n = self.framer.feed(&self.buf[self.fed..self.fed + 1]);
            if n == 0 {
                return Err("output framer refused input".into());
            }
            self.fed += 1;
            if let Some(r) = self.framer.poll() {
                self.buf.drain(..self.fed);
                self.fed = 0;
                return match r {
                    Ok(f) => Ok(Some(f)),
                    Err(e) => Err(format!("our output is not well-formed: {e}")),
                };
            }
        }
        Ok(None)
    }
}

/// Element canonical text for a stanza written by `Stanza::write_to`.
pub fn render_stanza_bytes(bytes: &[u8]) -> Result<String, String> {
    let mut framer = Framer::new(generous());
    let mut frames = Vec::new();
    feed_all(&mut framer, CONTEXT, &mut Vec::new())?;
    feed_all(&mut framer, bytes, &mut frames)?;
    match frames.as_slice() {
        [f] => Ok(render_frame(f, None)),
        _ => Err("stanza did not serialize to one element".into()),
    }
}
