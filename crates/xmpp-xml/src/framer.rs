//! The public sans-IO driver: bytes in through [`Framer::feed`], frames out through
//! [`Framer::poll`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::element::{Attrs, Element};
use crate::error::{Condition, Error};
use crate::gather::{Gather, Scan};
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
/// Top-level elements of up to [`Framer::WHOLE_ELEMENT_DIVISOR`]th of
/// [`Limits::max_element_bytes`] (and at most [`Limits::input_buffer`]) are first
/// gathered, their end found by tracking only tags, quotes and depth, and then parsed
/// in one pass; anything that pass does not take is parsed by the general incremental
/// parser from the element's first byte. Frames and errors are the same either way and
/// whatever the split; an error inside such an element is reported once the element is
/// complete or has outgrown the gathering bound, not at its first bad byte.
///
/// The first error is final: `poll` returns it once, then `None`; `feed` consumes nothing;
/// [`Framer::error`] keeps it. The framer never resynchronises.
#[derive(Debug, Clone)]
pub struct Framer {
    parser: Parser,
    input: Vec<u8>,
    start: usize,
    /// `poll` has nothing to parse and there is no error: `input` is empty, or it holds
    /// only the start of an element being gathered. One flag for the per-call checks
    /// of small pieces.
    idle: bool,
    /// `input[start..]` is the start of a top-level element, scanned by `gather`.
    gathering: bool,
    gather: Gather,
    /// While gathering: `input` may grow to this length (within the gathering bound and
    /// the buffer's capacity) by one-byte pieces other than `<` and `>` without any
    /// other check, because they only extend the element ([`Gather::byte`] would change
    /// nothing for them). Zero otherwise; set by [`Framer::plain_end`] after every change
    /// of the gathering state, the buffer or the limits.
    plain_end: usize,
    /// The parser is between top-level elements: the next one is gathered.
    top: bool,
    /// Whether elements are gathered and parsed whole at all.
    whole: bool,
    /// [`Framer::whole_bounds`] of the limits in force.
    whole_limit: usize,
    whole_depth: u32,
    /// Gathering steps (one per scan), for [`Framer::work_counter`].
    gather_work: u64,
    error: Option<Error>,
    reported: bool,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new(Limits::default())
    }
}

/// Bytes at hand from which an element is parsed without gathering it first: most
/// stanzas are shorter.
const DIRECT_PARSE_BYTES: usize = 512;

/// What the framer did with bytes offered at the top level of the stream.
enum TopStep {
    /// This many bytes were used: whitespace, then possibly one whole element, which
    /// is then the parser's pending frame.
    Used(usize),
    /// Whitespace of this length, then the start of an element that goes on beyond the
    /// bytes offered.
    Gather(usize, Gather),
    /// Whitespace of this length, then bytes for the general parser.
    General(usize),
}

impl Framer {
    /// Elements of at most `max_element_bytes / WHOLE_ELEMENT_DIVISOR` bytes are
    /// gathered and parsed whole (see the type's documentation); larger ones, whose
    /// memory needs the general parser's accounting, are parsed as they arrive.
    pub const WHOLE_ELEMENT_DIVISOR: usize = 16;

    /// A framer for a new stream with the given limits.
    #[must_use]
    pub fn new(limits: Limits) -> Self {
        let parser = Parser::new(limits);
        let (whole_limit, whole_depth) = Self::whole_bounds(parser.limits());
        Framer {
            parser,
            whole_limit,
            whole_depth,
            input: Vec::new(),
            start: 0,
            idle: true,
            gathering: false,
            gather: Gather::default(),
            plain_end: 0,
            top: false,
            whole: true,
            gather_work: 0,
            error: None,
            reported: false,
        }
    }

    /// Turns off gathering and whole-element parsing: every byte goes through the
    /// general incremental parser. For differential tests and fuzzing, which check that
    /// both give the same frames and errors.
    #[doc(hidden)]
    pub fn general_parser_only(&mut self) {
        self.whole = false;
        self.top = false;
        if self.gathering {
            self.gathering = false;
            self.plain_end = 0;
            self.idle = false;
        }
    }

    /// Offers bytes; returns how many were taken (possibly fewer than offered when the
    /// input buffer is full; drain [`Framer::poll`] and offer the rest again). Takes
    /// nothing after an error. Frames and errors come out of [`Framer::poll`].
    #[inline]
    pub fn feed(&mut self, data: &[u8]) -> usize {
        debug_assert!(self.plain_end == 0 || self.plain_end == self.plain_end());
        // The commonest one-byte piece, inline and with one check of the state: a byte of
        // an element being gathered, neither `<` nor `>`. (`<` and `>` differ only in
        // bit 1.) Everything else is out of line, which keeps the
        // caller's loop small enough for its variables to stay in registers.
        if let [b] = *data
            && self.input.len() < self.plain_end
            && b | 2 != b'>'
        {
            self.input.push(b);
            return 1;
        }
        // The other bytes of an element being gathered one at a time: `<` and `>`, and
        // any byte at the gathering bound. (When the buffer is full, `feed_more` makes
        // room first.)
        if let [b] = *data
            && self.gathering
            && self.input.len() < self.input.capacity()
        {
            return self.gather_byte(b, data);
        }
        self.feed_more(data)
    }

    /// [`Framer::feed`] but for its inline case: out of line, so that the caller's loop
    /// around `feed` stays small wherever it is compiled.
    #[inline(never)]
    fn feed_more(&mut self, data: &[u8]) -> usize {
        // Gathering implies nothing to parse, no frame pending and no error. (`feed` has
        // taken the single bytes that fit in the buffer.)
        if self.gathering {
            debug_assert!(self.idle && !self.parser.has_frame());
            return self.feed_gathering(data);
        }
        // The common case for small pieces: nothing to parse before them, no frame
        // pending, no error.
        if self.idle && !self.parser.has_frame() {
            debug_assert!(self.input.is_empty() && self.start == 0 && self.error.is_none());
            if self.top {
                return self.feed_top(data);
            }
            // Parse straight from `data` up to the first frame (no copy), then buffer
            // what follows it.
            return match self.parser.run(data) {
                Ok(n) if n == data.len() => n,
                r => self.after_run(data, r),
            };
        }
        self.feed_buffered(data)
    }

    /// What [`Framer::plain_end`] is in the present state.
    #[inline]
    fn plain_end(&self) -> usize {
        if self.gathering {
            self.input
                .capacity()
                .min(self.start.saturating_add(self.whole_limit))
        } else {
            0
        }
    }

    /// The longest element gathered and parsed whole, and the deepest.
    fn whole_bounds(limits: &Limits) -> (usize, u32) {
        (
            (limits.max_element_bytes / Self::WHOLE_ELEMENT_DIVISOR).min(limits.input_buffer),
            u32::try_from(limits.max_depth).unwrap_or(u32::MAX),
        )
    }

    /// Whitespace, then an element (or the start of one) from `s`, at the top level.
    fn top_step(&mut self, s: &[u8]) -> TopStep {
        let ws = s
            .iter()
            .take_while(|&&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.parser.skip_top_ws(&s[..ws]);
        let rest = &s[ws..];
        if rest.first() != Some(&b'<') {
            return if rest.is_empty() {
                TopStep::Used(ws)
            } else {
                TopStep::General(ws)
            };
        }
        // With plenty of bytes at hand, parse straight away and find out only if that
        // fails whether the element is incomplete; with a few, gather first rather than
        // start parses that run out of bytes. (Either way the outcome is the same.)
        let limit = self.whole_limit;
        if rest.len() >= DIRECT_PARSE_BYTES
            && let Some(n) = self.parser.element_whole(&rest[..rest.len().min(limit)])
        {
            return TopStep::Used(ws + n);
        }
        let mut g = Gather::new();
        self.gather_work += 1;
        match g.scan(&rest[1..], b"<", limit, self.whole_depth) {
            Scan::More => TopStep::Gather(ws, g),
            Scan::Done(k) if rest.len() < DIRECT_PARSE_BYTES => {
                match self.parser.element_whole(&rest[..=k]) {
                    Some(n) => TopStep::Used(ws + n),
                    None => TopStep::General(ws),
                }
            }
            Scan::Done(_) | Scan::GiveUp => TopStep::General(ws),
        }
    }

    /// Bytes offered at the top level with nothing buffered.
    fn feed_top(&mut self, data: &[u8]) -> usize {
        match self.top_step(data) {
            TopStep::Used(n) if n == data.len() => n,
            TopStep::Used(n) => n + self.buffer(&data[n..]),
            TopStep::Gather(ws, g) => {
                // The element so far fits: it is at most the gathering bound, which is
                // at most the input buffer.
                let n = ws + self.buffer(&data[ws..]);
                self.gathering = true;
                self.gather = g;
                self.plain_end = self.plain_end();
                self.idle = true;
                n
            }
            TopStep::General(ws) => {
                self.top = false;
                let rest = &data[ws..];
                ws + match self.parser.run(rest) {
                    Ok(n) if n == rest.len() => n,
                    r => self.after_run(rest, r),
                }
            }
        }
    }

    /// More bytes of the element being gathered.
    #[inline(never)]
    fn feed_gathering(&mut self, data: &[u8]) -> usize {
        if self.start > 0 {
            self.input.drain(..self.start);
            self.start = 0;
            self.plain_end = self.plain_end();
        }
        if let [b] = *data
            && self.input.len() < self.input.capacity()
        {
            return self.gather_byte(b, data);
        }
        self.gather_work += 1;
        match self
            .gather
            .scan(data, &self.input, self.whole_limit, self.whole_depth)
        {
            Scan::More => {
                let n = self.buffer(data);
                debug_assert_eq!(n, data.len(), "the gathering bound is within the buffer");
                self.plain_end = self.plain_end();
                self.idle = true;
                n
            }
            Scan::Done(k) => {
                let n = self.buffer(&data[..k]);
                debug_assert_eq!(n, k);
                k + self.gathered() + self.buffer(&data[k..])
            }
            Scan::GiveUp => self.give_up(data),
        }
    }

    /// The gatherer gave up on the element (at a byte of `data`): the general parser
    /// takes it from its first byte, after what is buffered, with `data`.
    #[inline(never)]
    fn give_up(&mut self, data: &[u8]) -> usize {
        self.gathering = false;
        self.plain_end = 0;
        self.top = false;
        self.idle = false;
        self.feed_buffered(data)
    }

    /// One byte of the element being gathered (`data` is `[b]`, the input buffer has
    /// room for it, and `plain_end` is up to date: pushing the byte changes neither
    /// the capacity nor `start`, so `plain_end` stays right).
    #[inline(never)]
    fn gather_byte(&mut self, b: u8, data: &[u8]) -> usize {
        let before = self.input.get(self.start..).unwrap_or(&[]);
        match self
            .gather
            .byte(b, before, self.whole_limit, self.whole_depth)
        {
            Scan::More => {
                // Within the capacity (see the callers), which have set `plain_end` for
                // the present `start`: it stays as it is.
                self.input.push(b);
                1
            }
            Scan::Done(_) => {
                self.input.push(b);
                1 + self.gathered()
            }
            Scan::GiveUp => self.give_up(data),
        }
    }

    /// The element in `input` is complete: parse it whole, or leave it (and what
    /// follows) to the general parser. Returns 0 (bytes taken, for `feed`'s sum).
    #[inline(never)]
    fn gathered(&mut self) -> usize {
        self.gathering = false;
        self.plain_end = 0;
        self.gather_work += 1;
        // The element is `input[start..]`: what precedes it was parsed already.
        if self.start > 0 {
            self.input.drain(..self.start);
            self.start = 0;
        }
        if self.parser.element_whole(&self.input).is_some() {
            self.input.clear();
            self.idle = true;
        } else {
            self.top = false;
            self.idle = false;
        }
        0
    }

    /// A direct parse of `data` that stopped early: at a frame (buffer what follows) or
    /// at an error.
    #[inline(never)]
    fn after_run(&mut self, data: &[u8], r: Result<usize, (usize, Error)>) -> usize {
        match r {
            Ok(n) => n + self.buffer(&data[n..]),
            Err((n, e)) => {
                self.error = Some(e);
                self.idle = false;
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
        if self.start == self.input.len() && !self.gathering {
            self.input.clear();
            self.start = 0;
            self.idle = true;
            if !self.parser.has_frame() {
                return self.feed(data);
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
            self.idle = false;
        }
        take
    }

    /// The next frame, `Some(Err(_))` once if the stream is broken, or `None` when more
    /// input is needed.
    #[inline]
    pub fn poll(&mut self) -> Option<Result<Frame, Error>> {
        // The common case after a `feed` that completed no frame: nothing to do.
        if self.idle && !self.parser.has_frame() {
            return None;
        }
        self.poll_more()
    }

    #[inline(never)]
    fn poll_more(&mut self) -> Option<Result<Frame, Error>> {
        if let Some(f) = self.take_frame() {
            return Some(Ok(f));
        }
        if let Some(e) = &self.error {
            if self.reported {
                return None;
            }
            self.reported = true;
            return Some(Err(e.clone()));
        }
        if self.gathering || self.start >= self.input.len() {
            self.settle();
            return None;
        }
        if self.top {
            let input = core::mem::take(&mut self.input);
            let step = self.top_step(&input[self.start..]);
            self.input = input;
            match step {
                TopStep::Used(n) => {
                    self.start += n;
                    self.settle();
                    return self.take_frame().map(Ok);
                }
                TopStep::Gather(ws, g) => {
                    self.start += ws;
                    self.gathering = true;
                    self.gather = g;
                    self.plain_end = self.plain_end();
                    self.idle = true;
                    return None;
                }
                TopStep::General(ws) => {
                    self.start += ws;
                    self.top = false;
                }
            }
        }
        match self.parser.run(&self.input[self.start..]) {
            Ok(n) => {
                self.start += n;
                self.settle();
                self.take_frame().map(Ok)
            }
            Err((n, e)) => {
                self.start += n;
                self.idle = false;
                self.error = Some(e.clone());
                self.reported = true;
                Some(Err(e))
            }
        }
    }

    /// The parser's pending frame; after it, whether the next element may be gathered.
    fn take_frame(&mut self) -> Option<Frame> {
        let f = self.parser.take_frame()?;
        self.top = self.whole && self.parser.at_top();
        Some(f)
    }

    /// Back to parsing straight from the caller's bytes when everything buffered is
    /// parsed.
    fn settle(&mut self) {
        if !self.gathering && self.start == self.input.len() {
            self.input.clear();
            self.start = 0;
        }
        self.idle = self.error.is_none() && (self.input.is_empty() || self.gathering);
    }

    /// Bytes accepted by `feed` that `poll` has not parsed yet: those after a frame
    /// not yet polled, and those of an element still being gathered.
    #[must_use]
    pub fn unprocessed(&self) -> usize {
        self.input.len() - self.start
    }

    /// Of [`Framer::unprocessed`], the bytes of an element still being gathered (the
    /// rest is left for `poll`). For tests.
    #[doc(hidden)]
    #[must_use]
    pub fn gathered_bytes(&self) -> usize {
        if self.gathering {
            self.input.len() - self.start
        } else {
            0
        }
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
        self.gathering = false;
        self.plain_end = 0;
        self.top = false;
        self.idle = self.error.is_none();
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
        (self.whole_limit, self.whole_depth) = Self::whole_bounds(self.parser.limits());
        self.plain_end = self.plain_end();
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
        self.parser.work() + self.gather_work
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
            Some(e) if f.parser.between_elements() && !f.gathering => Ok(e),
            _ => Err(Error::new(
                Condition::NotWellFormed,
                input.len() as u64,
                "incomplete element",
            )),
        }
    }
}
