//! The public sans-IO driver: bytes in through [`Framer::feed`], frames out through
//! [`Framer::poll`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::element::{Attrs, Element};
use crate::error::{Condition, Error};
use crate::limits::Limits;
use crate::parser::Parser;

/// What the framer delivers, in stream order
/// ([RFC 6120 §4.1](https://www.rfc-editor.org/rfc/rfc6120#section-4.1)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Frame {
    /// The stream header, delivered as soon as its `>` is read.
    StreamOpen(StreamHeader),
    /// A complete top-level child of the stream (stanza or nonza), delivered as soon as
    /// its end tag is read.
    Element(Element),
    /// The closing `</stream:stream>` tag
    /// ([RFC 6120 §4.4](https://www.rfc-editor.org/rfc/rfc6120#section-4.4)).
    StreamClose,
}

/// The opening `<stream:stream>` tag: its attributes and the namespaces it declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamHeader {
    element: Element,
    namespaces: Vec<(String, String)>,
}

impl StreamHeader {
    pub(crate) fn new(element: Element, namespaces: Vec<(String, String)>) -> Self {
        StreamHeader {
            element,
            namespaces,
        }
    }

    /// The stream element itself (`{http://etherx.jabber.org/streams}stream`, no
    /// children).
    #[must_use]
    pub fn element(&self) -> &Element {
        &self.element
    }

    /// Value of the unprefixed attribute `name` (`to`, `from`, `id`, `version`, ...).
    #[must_use]
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.element.attr(name)
    }

    /// Value of the attribute `{ns}name` (for example `xml:lang`).
    #[must_use]
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.element.attr_ns(ns, name)
    }

    /// All attributes.
    pub fn attrs(&self) -> Attrs<'_> {
        self.element.attrs()
    }

    /// The namespace declarations of the header as `(prefix, namespace)`, the default
    /// namespace with an empty prefix.
    pub fn namespaces(&self) -> impl Iterator<Item = (&str, &str)> {
        self.namespaces
            .iter()
            .map(|(p, u)| (p.as_str(), u.as_str()))
    }

    /// The `xml:lang` attribute, the stream's default language
    /// ([RFC 6120 §4.7.4](https://www.rfc-editor.org/rfc/rfc6120#section-4.7.4)).
    #[must_use]
    pub fn lang(&self) -> Option<&str> {
        self.element.attr_ns(crate::XML_NS, "lang")
    }

    /// The declared default namespace: the content namespace such as `jabber:client`
    /// ([RFC 6120 §4.8.2](https://www.rfc-editor.org/rfc/rfc6120#section-4.8.2)).
    #[must_use]
    pub fn default_namespace(&self) -> Option<&str> {
        self.namespaces()
            .find(|(p, _)| p.is_empty())
            .map(|(_, u)| u)
    }
}

/// Incremental XML stream framer: feed it bytes as they arrive, poll it for
/// [`Frame`]s. It never performs I/O and never blocks; "need more data" is simply
/// `poll` returning `None`.
///
/// Parsing stops after each frame: `feed` parses the offered bytes up to the first
/// complete frame and copies the rest into a bounded buffer ([`Limits::input_buffer`]);
/// `poll` hands out the frame and parses buffered bytes up to the next one. Bytes that
/// follow a frame therefore stay unprocessed until the next `poll`: after `<proceed/>` or SASL `<success/>`,
/// [`Framer::unprocessed`] must be zero before [`Framer::reset`], anything else is an
/// injection attempt
/// ([RFC 6120 §5.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-5.3.1)).
///
/// The first error is final: `poll` returns it once, then `None`; `feed` consumes nothing;
/// [`Framer::error`] keeps it. The framer never resynchronises.
#[derive(Debug, Clone)]
pub struct Framer {
    parser: Parser,
    input: Vec<u8>,
    start: usize,
    /// Nothing buffered (`input` empty, `start` 0) and no error: `feed` may parse
    /// straight from the caller's bytes and `poll` has nothing to parse. One flag for
    /// the per-call checks of small pieces.
    direct: bool,
    error: Option<Error>,
    reported: bool,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new(Limits::default())
    }
}

impl Framer {
    /// A framer for a new stream with the given limits.
    #[must_use]
    pub fn new(limits: Limits) -> Self {
        Framer {
            parser: Parser::new(limits),
            input: Vec::new(),
            start: 0,
            direct: true,
            error: None,
            reported: false,
        }
    }

    /// Offers bytes; returns how many were taken (possibly fewer than offered when the
    /// input buffer is full; drain [`Framer::poll`] and offer the rest again). Takes
    /// nothing after an error. Frames and errors come out of [`Framer::poll`].
    #[inline]
    pub fn feed(&mut self, data: &[u8]) -> usize {
        // The common case for small pieces: nothing buffered, pending or failed.
        if self.direct && !self.parser.has_frame() {
            debug_assert!(self.input.is_empty() && self.start == 0 && self.error.is_none());
            // Parse straight from `data` up to the first frame (no copy), then buffer what
            // follows it.
            return match self.parser.run(data) {
                Ok(n) if n == data.len() => n,
                r => self.after_run(data, r),
            };
        }
        self.feed_buffered(data)
    }

    /// A direct parse of `data` that stopped early: at a frame (buffer what follows) or
    /// at an error.
    #[inline(never)]
    fn after_run(&mut self, data: &[u8], r: Result<usize, (usize, Error)>) -> usize {
        match r {
            Ok(n) => n + self.buffer(&data[n..]),
            Err((n, e)) => {
                self.error = Some(e);
                self.direct = false;
                self.reported = false;
                n
            }
        }
    }

    #[inline(never)]
    fn feed_buffered(&mut self, data: &[u8]) -> usize {
        if self.error.is_some() {
            return 0;
        }
        if self.start == self.input.len() {
            self.input.clear();
            self.start = 0;
            self.direct = true;
            if !self.parser.has_frame() {
                let r = self.parser.run(data);
                return match r {
                    Ok(n) if n == data.len() => n,
                    r => self.after_run(data, r),
                };
            }
        } else if self.start > 0 && self.start >= self.input.len() / 2 {
            self.input.drain(..self.start);
            self.start = 0;
        }
        self.buffer(data)
    }

    /// Copies as much of `data` as the input buffer has room for. The buffer (parsed
    /// bytes not yet compacted away included) never holds more than
    /// [`Limits::input_buffer`] bytes, and its capacity never exceeds that either.
    fn buffer(&mut self, data: &[u8]) -> usize {
        let limit = self.parser.limits().input_buffer.max(1);
        let len = self.input.len();
        let take = limit.saturating_sub(len).min(data.len());
        let need = len + take;
        if need > self.input.capacity() {
            let new = need.max(self.input.capacity().saturating_mul(2)).min(limit);
            self.input.reserve_exact(new - len);
        }
        self.input.extend_from_slice(&data[..take]);
        if take > 0 {
            self.direct = false;
        }
        take
    }

    /// The next frame, `Some(Err(_))` once if the stream is broken, or `None` when more
    /// input is needed.
    #[inline]
    pub fn poll(&mut self) -> Option<Result<Frame, Error>> {
        // The common case after a `feed` that completed no frame: nothing to do.
        if self.direct && !self.parser.has_frame() {
            return None;
        }
        self.poll_more()
    }

    #[inline(never)]
    fn poll_more(&mut self) -> Option<Result<Frame, Error>> {
        if let Some(f) = self.parser.take_frame() {
            return Some(Ok(f));
        }
        if let Some(e) = &self.error {
            if self.reported {
                return None;
            }
            self.reported = true;
            return Some(Err(e.clone()));
        }
        if self.start >= self.input.len() {
            return None;
        }
        match self.parser.run(&self.input[self.start..]) {
            Ok(n) => {
                self.start += n;
                if self.start == self.input.len() {
                    // All parsed: back to parsing straight from the caller's bytes.
                    self.input.clear();
                    self.start = 0;
                    self.direct = true;
                }
                self.parser.take_frame().map(Ok)
            }
            Err((n, e)) => {
                self.start += n;
                self.direct = false;
                self.error = Some(e.clone());
                self.reported = true;
                Some(Err(e))
            }
        }
    }

    /// Bytes accepted by `feed` that `poll` has not parsed yet.
    #[must_use]
    pub fn unprocessed(&self) -> usize {
        self.input.len() - self.start
    }

    /// Starts a fresh stream, as required after STARTTLS and SASL success
    /// ([RFC 6120 §5.4.3.3](https://www.rfc-editor.org/rfc/rfc6120#section-5.4.3.3),
    /// [§6.4.6](https://www.rfc-editor.org/rfc/rfc6120#section-6.4.6)): the next bytes
    /// must begin a new stream header, and offsets count from zero again. Unprocessed
    /// bytes are discarded (check [`Framer::unprocessed`] first). An error is not
    /// cleared: a broken stream stays broken.
    pub fn reset(&mut self) {
        self.parser.reset();
        self.input.clear();
        self.start = 0;
        self.direct = self.error.is_none();
    }

    /// The error that stopped the framer, if any.
    #[must_use]
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// The limits in force (byte limits above `u32::MAX / 4` are capped to that).
    #[must_use]
    pub fn limits(&self) -> &Limits {
        self.parser.limits()
    }

    /// Replaces the limits (for example the pre-authentication set by the default set
    /// after SASL success); they apply from the next byte parsed.
    pub fn set_limits(&mut self, limits: Limits) {
        self.parser.set_limits(limits);
    }

    /// Heap bytes the framer holds right now (buffer capacities; a frame not yet polled
    /// is excluded, but the framer no longer holds anything for it). Bounded by the
    /// limits whatever the input: at most `max_element_bytes + input_buffer + 2304`.
    /// Everything kept for the element being built (node array, string buffer, tag,
    /// attribute, open-element and namespace bookkeeping) is charged by capacity against
    /// `max_element_bytes` plus 2 KiB of slack, and exceeding that is a
    /// `policy-violation`; the input buffer's capacity never exceeds `input_buffer`; the
    /// XML declaration buffer holds at most 256 bytes.
    #[must_use]
    pub fn memory_in_use(&self) -> usize {
        self.input.capacity() + self.parser.memory_in_use()
    }

    /// A count of parsing steps taken since creation (one per character handled singly,
    /// one per bulk run of text or attribute value): a deterministic measure of work for
    /// tests that check cost stays linear in the input whatever the split.
    #[must_use]
    pub fn work_counter(&self) -> u64 {
        self.parser.work()
    }
}

/// The synthetic stream header [`Element::parse`] wraps its input in.
const WRAP: &[u8] = b"<s:stream xmlns:s='http://etherx.jabber.org/streams'>";

impl Element {
    /// Parses one standalone element (no stream around it; surrounding whitespace
    /// allowed) with the default [`Limits`] and the same rules as the [`Framer`].
    ///
    /// # Errors
    /// The first [`Error`], with offsets relative to `input`; an incomplete element or
    /// anything other than exactly one element is `not-well-formed`.
    pub fn parse(input: &[u8]) -> Result<Element, Error> {
        let mut f = Framer::new(Limits {
            input_buffer: usize::MAX,
            ..Limits::default()
        });
        let fix = |e: Error| {
            let off = e.offset().saturating_sub(WRAP.len() as u64);
            e.with_offset(off)
        };
        f.feed(WRAP);
        match f.poll() {
            Some(Ok(Frame::StreamOpen(_))) => {}
            _ => return Err(Error::new(Condition::NotWellFormed, 0, "internal")),
        }
        f.feed(input);
        let mut found = None;
        while let Some(r) = f.poll() {
            match r.map_err(fix)? {
                Frame::Element(e) if found.is_none() => found = Some(e),
                Frame::Element(_) => {
                    return Err(Error::new(
                        Condition::NotWellFormed,
                        input.len() as u64,
                        "more than one element",
                    ));
                }
                _ => {
                    return Err(Error::new(
                        Condition::NotWellFormed,
                        0,
                        "end tag without a start tag",
                    ));
                }
            }
        }
        match found {
            Some(e) if f.parser.between_elements() => Ok(e),
            _ => Err(Error::new(
                Condition::NotWellFormed,
                input.len() as u64,
                "incomplete element",
            )),
        }
    }
}
