//! The byte-level state machine: strict UTF-8, the XML productions RFC 6120 §11 allows,
//! namespace resolution and tree building, one character at a time with all state kept
//! between input pieces (nothing is ever re-scanned), plus bulk fast paths for runs of
//! plain text and attribute values.

use alloc::string::String;
use alloc::vec::Vec;

use crate::chars::{is_char, is_ncname_char, is_ncname_start, is_ws};
use crate::element::{Node, Span};
use crate::error::{Condition, Error};
use crate::framer::Frame;
use crate::limits::Limits;
use crate::namespaces::NsStack;
use crate::utf8::{Step, Utf8};

mod attr;
mod budget;
mod byte;
mod decl;
mod fast;
mod refs;
mod shortcuts;
mod tags;
mod tree;
mod whole;

use budget::Buf;

/// String bytes reserved per expected node when an element starts (a typical stanza
/// has 12 to 20).
const BYTES_PER_NODE: usize = 24;
pub(crate) use budget::SLACK;
use decl::MAX_DECL;
use tree::Tree;

use Condition::{BadFormat, NotWellFormed, PolicyViolation, RestrictedXml, UnsupportedEncoding};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Very first character of the stream.
    DocStart,
    /// Whitespace before the stream header.
    Prolog,
    /// After `<` before the stream header.
    PrologLt { first: bool },
    /// After `<!` before the stream header.
    PrologBang,
    /// Matching the `xml` target of the XML declaration.
    DeclTarget(u8),
    /// After `<?xml`: whitespace required.
    DeclSpace,
    /// Inside the XML declaration.
    DeclBody,
    /// After `?` inside the XML declaration.
    DeclQ,
    /// Character data (or whitespace between stanzas at depth 1).
    Content,
    /// After `<` in content.
    Lt,
    /// Element name of a start tag.
    StartName,
    /// Inside a start tag after whitespace.
    InTag,
    /// Right after an attribute value: whitespace, `/` or `>` must follow.
    AfterValue,
    /// Attribute name.
    AttrName,
    /// After an attribute name and whitespace: `=` expected.
    AttrEq,
    /// After `=`: a quote expected.
    AttrQuote,
    /// Attribute value delimited by the given quote.
    AttrValue(u8),
    /// After `/` in a start tag: `>` expected.
    EmptyTag,
    /// End tag name, with this many bytes of the expected name matched.
    EndName(u32),
    /// Whitespace after an end tag name.
    EndWs,
    /// A reference; `0` in text, else the quote of the attribute value it is in.
    Ref(u8),
    /// After `<!`, with this many characters of `[CDATA[` matched.
    Bang(u8),
    /// Inside CDATA, with this many pending `]`.
    Cdata(u8),
    /// After the stream was closed.
    AfterClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefKind {
    Start,
    Hash,
    HexStart,
    Dec,
    Hex,
    Name,
}

#[derive(Debug, Clone, Copy)]
struct RefState {
    kind: RefKind,
    name: [u8; 4],
    name_len: u8,
    value: u32,
}

/// Incremental name reader state: where the colon is, whether the last char was it.
#[derive(Debug, Clone, Copy, Default)]
struct NameState {
    colon: Option<u32>,
    after_colon: bool,
}

#[derive(Debug, Clone, Copy)]
struct RawAttr {
    name: Span,
    colon: Option<u32>,
    value: Span,
    /// The value was written straight into the tree's string buffer (not `scratch`).
    tree: bool,
    /// A namespace declaration (`xmlns` or `xmlns:prefix`).
    decl: bool,
}

#[derive(Debug, Clone, Copy)]
struct Open {
    qname_start: u32,
    qname_len: u32,
    ns_mark: u32,
    /// Identity of the namespace binding the element's name resolved through.
    ns_id: u32,
    node: u32,
    children: u32,
    text: u32,
    /// The name has no prefix (the element is in the default namespace in scope at
    /// its start tag).
    plain: bool,
}

/// The parser; [`crate::Framer`] wraps it with an input buffer.
#[derive(Debug, Clone)]
pub(crate) struct Parser {
    limits: Limits,
    pos: u64,
    char_start: u64,
    utf8: Utf8,
    after_cr: bool,
    state: State,
    brackets: u8,
    reference: RefState,
    decl: String,
    tag: Vec<u8>,
    tag_name: NameState,
    attr_name: NameState,
    attr_start: u32,
    scratch: Vec<u8>,
    /// Whether the attribute value being read goes straight into the tree.
    value_tree: bool,
    attrs: Vec<RawAttr>,
    open: Vec<Open>,
    qnames: Vec<u8>,
    ns: NsStack,
    cur: Tree,
    text_open: Option<u32>,
    in_stanza: bool,
    stanza_start: u64,
    out: Option<Frame>,
    pending_close: bool,
    /// `out.is_some() || pending_close`, kept as one flag for the per-byte checks.
    ready: bool,
    /// Node count of the recent elements (a slowly forgotten maximum): the next
    /// element's buffers are reserved for that many nodes and [`BYTES_PER_NODE`] string
    /// bytes per node when it starts. Both parsers build the same nodes, so this does
    /// not depend on which one parsed an element.
    last_nodes: usize,
    /// Whether unused capacity was reclaimed during the current top-level element.
    reclaimed: bool,
    /// Characters processed since creation (a work counter for growth tests).
    work: u64,
    /// The element parser's stacks.
    stacks: whole::Stacks,
    /// The element parser's string bytes, kept between elements (empty); each element
    /// gets an exactly sized copy once they are checked. Counted in [`Parser::held`]
    /// and given back by [`Parser::reclaim`], so the general parser's budget never
    /// sees it.
    whole_buf: Vec<u8>,
}

/// Sizes are kept in `u32` inside trees: cap the byte limits well below that.
fn clamp(mut l: Limits) -> Limits {
    const MAX: usize = (u32::MAX / 4) as usize;
    l.max_element_bytes = l.max_element_bytes.min(MAX);
    l.max_text_bytes = l.max_text_bytes.min(MAX);
    l.max_name_bytes = l.max_name_bytes.min(MAX);
    l
}

#[inline]
fn err(c: Condition, at: u64, reason: &'static str) -> Error {
    Error::new(c, at, reason)
}

/// Bytes of `c` in UTF-8.
#[inline]
fn utf8_len(c: u32) -> usize {
    if c < 0x80 {
        1
    } else if c < 0x800 {
        2
    } else if c < 0x1_0000 {
        3
    } else {
        4
    }
}

fn push_char(s: &mut String, c: u32) {
    if let Some(ch) = char::from_u32(c) {
        s.push(ch);
    }
}

/// Appends the UTF-8 encoding of `c` (a scalar value from the decoder).
#[inline]
fn push_utf8(v: &mut Vec<u8>, c: u32) {
    if c < 0x80 {
        v.push(c as u8);
    } else if let Some(ch) = char::from_u32(c) {
        v.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
    }
}

impl Parser {
    pub(crate) fn new(limits: Limits) -> Self {
        Parser {
            limits: clamp(limits),
            pos: 0,
            char_start: 0,
            utf8: Utf8::default(),
            after_cr: false,
            state: State::DocStart,
            brackets: 0,
            reference: RefState {
                kind: RefKind::Start,
                name: [0; 4],
                name_len: 0,
                value: 0,
            },
            decl: String::new(),
            tag: Vec::new(),
            tag_name: NameState::default(),
            attr_name: NameState::default(),
            attr_start: 0,
            scratch: Vec::new(),
            value_tree: false,
            attrs: Vec::new(),
            open: Vec::new(),
            qnames: Vec::new(),
            ns: NsStack::default(),
            cur: Tree::default(),
            text_open: None,
            in_stanza: false,
            stanza_start: 0,
            out: None,
            pending_close: false,
            ready: false,
            last_nodes: 0,
            reclaimed: false,
            work: 0,
            stacks: whole::Stacks::default(),
            whole_buf: Vec::new(),
        }
    }

    pub(crate) fn set_limits(&mut self, limits: Limits) {
        self.limits = clamp(limits);
        if self.held() > self.limits.max_element_bytes + SLACK {
            self.reclaim();
        }
    }

    /// Heap bytes held by the parser's buffers (capacities).
    /// Everything but `decl` (at most `2 * MAX_DECL`) is charged against
    /// `max_element_bytes + SLACK`.
    pub(crate) fn memory_in_use(&self) -> usize {
        self.decl.capacity() + self.held()
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    pub(crate) fn work(&self) -> u64 {
        self.work
    }

    /// Starts a new stream (keeps limits, the work counter and buffer capacity).
    pub(crate) fn reset(&mut self) {
        let work = self.work;
        let limits = self.limits;
        let mut fresh = Parser::new(limits);
        fresh.work = work;
        // Keep the allocations of the scratch buffers.
        fresh.cur = core::mem::take(&mut self.cur);
        fresh.cur.nodes.clear();
        fresh.cur.buf.clear();
        *self = fresh;
    }

    /// Takes the frame produced by the last [`Parser::run`], if any.
    pub(crate) fn take_frame(&mut self) -> Option<Frame> {
        if let Some(f) = self.out.take() {
            self.ready = self.pending_close;
            return Some(f);
        }
        self.ready = false;
        if self.pending_close {
            self.pending_close = false;
            return Some(Frame::StreamClose);
        }
        None
    }

    /// Whether a frame is waiting in [`Parser::take_frame`].
    #[inline]
    pub(crate) fn has_frame(&self) -> bool {
        debug_assert_eq!(self.ready, self.out.is_some() || self.pending_close);
        self.ready
    }

    /// Whether the parser sits between top-level elements with nothing partial pending.
    pub(crate) fn between_elements(&self) -> bool {
        self.state == State::Content
            && self.open.len() == 1
            && self.utf8.idle()
            && !self.in_stanza
            && self.out.is_none()
    }

    /// Counts the nodes of a delivered element into [`Parser::last_nodes`].
    pub(super) fn remember_nodes(&mut self, n: usize) {
        self.last_nodes = n.max(self.last_nodes - self.last_nodes / 16);
    }

    /// At the start of a top-level element: the bookkeeping buffers give back what
    /// earlier elements grew them to, so that where the memory budget runs out depends
    /// on this element's bytes only, not on which parser took the ones before (the
    /// element parser never grows them).
    fn baseline(&mut self) {
        self.tag.clear();
        self.scratch.clear();
        self.attrs.clear();
        self.reclaim();
    }

    /// Whether the parser sits inside the stream between top-level elements with nothing
    /// pending, where the next element may be gathered and parsed whole.
    #[inline]
    pub(crate) fn at_top(&self) -> bool {
        self.state == State::Content
            && self.open.len() == 1
            && self.utf8.idle()
            && !self.in_stanza
            && self.brackets == 0
            && !self.ready
    }

    /// Whitespace between top-level elements, read by the framer (allowed there as
    /// keepalives, RFC 6120 §4.6.1).
    pub(crate) fn skip_top_ws(&mut self, ws: &[u8]) {
        if let Some(&last) = ws.last() {
            self.pos += ws.len() as u64;
            self.work += 1;
            self.after_cr = last == b'\r';
        }
    }

    /// Parses the top-level element at the start of `raw` (from its `<`) whole and
    /// delivers it; returns its length, or `None`, with nothing changed, when it is left
    /// to [`Parser::run`] (also when `raw` ends before the element does).
    pub(crate) fn element_whole(&mut self, raw: &[u8]) -> Option<usize> {
        debug_assert!(self.at_top());
        let (el, len, work) = self.parse_whole(raw)?;
        self.remember_nodes(el.nodes.len());
        self.pos += len as u64;
        self.after_cr = false;
        self.work += work;
        self.out = Some(Frame::Element(el));
        self.ready = true;
        Some(len)
    }

    /// Parses `input` until a frame is complete or the input is used up; returns the
    /// number of bytes consumed (the frame, if any, is in `take_frame`).
    #[inline]
    pub(crate) fn run(&mut self, input: &[u8]) -> Result<usize, (usize, Error)> {
        if let [b] = *input
            && self.byte_step(b)
        {
            return Ok(1);
        }
        self.run_loop(input)
    }

    /// The general loop: bulk fast paths where they apply, else one character at a time.
    /// Kept out of line so that the one-byte shortcut in [`Parser::run`] stays small
    /// where `Framer::feed` inlines it.
    #[inline(never)]
    fn run_loop(&mut self, input: &[u8]) -> Result<usize, (usize, Error)> {
        let mut i = 0;
        'outer: while i < input.len() {
            if self.ready {
                break;
            }
            if self.utf8.idle() && !self.after_cr {
                // The fast paths never leave a partial character or a pending CR, so
                // they chain without re-checking that.
                loop {
                    let n = match self.fast_step(&input[i..]) {
                        Ok(n) => n,
                        Err((n, e)) => {
                            self.pos += n as u64;
                            return Err((i + n, e));
                        }
                    };
                    if n == 0 {
                        break;
                    }
                    i += n;
                    self.pos += n as u64;
                    self.work += 1;
                    if self.ready || i >= input.len() {
                        continue 'outer;
                    }
                }
            }
            let b = input[i];
            if self.utf8.idle() {
                self.char_start = self.pos;
                if b < 0x80 {
                    i += 1;
                    self.pos += 1;
                    self.work += 1;
                    if let Err(e) = self.char(u32::from(b), 1) {
                        return Err((i, e));
                    }
                    continue;
                }
            }
            i += 1;
            self.pos += 1;
            match self.utf8.push(b) {
                Step::More => {}
                Step::Invalid => {
                    return Err((
                        i,
                        err(UnsupportedEncoding, self.pos - 1, "invalid UTF-8 sequence"),
                    ));
                }
                Step::Char(c, len) => {
                    self.work += 1;
                    if let Err(e) = self.char(c, len) {
                        return Err((i, e));
                    }
                }
            }
        }
        debug_assert!(self.held() <= self.limits.max_element_bytes + SLACK);
        Ok(i)
    }

    /// The bulk fast path for the current state, if any: bytes consumed (0 when it
    /// does not apply).
    #[inline(always)]
    fn fast_step(&mut self, rest: &[u8]) -> Result<usize, (usize, Error)> {
        Ok(match self.state {
            State::Content if self.open.len() >= 2 && self.brackets == 0 => self.fast_text(rest),
            // A value goes on with its closing quote and the rest of the tag.
            State::InTag
            | State::AfterValue
            | State::AttrEq
            | State::AttrQuote
            | State::AttrValue(_) => return self.fast_tag(rest),
            State::Lt => match rest.first() {
                Some(&b) => self.fast_lt(b),
                None => 0,
            },
            State::StartName | State::AttrName => {
                return self.fast_name(rest, matches!(self.state, State::AttrName));
            }
            State::EndName(k) => self.fast_end(rest, k),
            _ => 0,
        })
    }

    #[inline]
    fn e(&self, c: Condition, reason: &'static str) -> Error {
        err(c, self.char_start, reason)
    }

    /// Checks one decoded character, normalises line ends, and dispatches it.
    #[inline]
    fn char(&mut self, c: u32, len: u8) -> Result<(), Error> {
        if !is_char(c) {
            return Err(self.e(NotWellFormed, "character not allowed in XML"));
        }
        if self.in_stanza && self.pos - self.stanza_start > self.limits.max_element_bytes as u64 {
            return Err(self.e(PolicyViolation, "element exceeds the size limit"));
        }
        // XML 1.0 §2.11: CR LF and lone CR become LF.
        let c = if c == 0x0D {
            self.after_cr = true;
            0x0A
        } else if c == 0x0A && self.after_cr {
            self.after_cr = false;
            return Ok(());
        } else {
            self.after_cr = false;
            c
        };
        self.step(c, len)
    }

    fn depth(&self) -> usize {
        self.open.len()
    }

    /// Character data (literal, from a reference, or from CDATA).
    #[inline]
    fn text_char(&mut self, c: u32, len: u8) -> Result<(), Error> {
        if self.open.len() < 2 {
            // Between stanzas only whitespace (keepalives) is allowed, RFC 6120 §4.6.1.
            if is_ws(c) {
                return Ok(());
            }
            return Err(self.e(BadFormat, "character data between stanzas"));
        }
        let max = self.limits.max_text_bytes;
        let Some(top) = self.open.last_mut() else {
            return Ok(());
        };
        top.text = top.text.saturating_add(u32::from(len));
        if top.text as usize > max {
            return Err(self.e(PolicyViolation, "text exceeds the size limit"));
        }
        self.room(Buf::Text, utf8_len(c))?;
        if self.text_open.is_none() {
            self.text_open = Some(self.cur.buf.len() as u32);
        }
        push_utf8(&mut self.cur.buf, c);
        Ok(())
    }

    fn flush_text(&mut self) -> Result<(), Error> {
        if self.text_open.is_some() {
            self.room(Buf::Nodes, 1)?;
        }
        if let Some(start) = self.text_open.take() {
            let len = self.cur.buf.len() as u32 - start;
            if len > 0 {
                self.cur.nodes.push(Node::Text(Span { start, len }));
            }
        }
        Ok(())
    }

    /// Appends a name character to the tag name or the current attribute name, within
    /// the name limit and the memory budget.
    fn push_name(&mut self, attr: bool, c: u32) -> Result<(), Error> {
        let (len, which) = if attr {
            (self.scratch.len() - self.attr_start as usize, Buf::Scratch)
        } else {
            (self.tag.len(), Buf::Tag)
        };
        let n = utf8_len(c);
        if len + n > self.limits.max_name_bytes {
            return Err(self.e(PolicyViolation, "name exceeds the length limit"));
        }
        self.room(which, n)?;
        push_utf8(
            if attr {
                &mut self.scratch
            } else {
                &mut self.tag
            },
            c,
        );
        Ok(())
    }

    /// Appends a character to the current attribute value.
    fn push_value(&mut self, c: u32) -> Result<(), Error> {
        let which = if self.value_tree {
            Buf::Text
        } else {
            Buf::Scratch
        };
        self.room(which, utf8_len(c))?;
        push_utf8(self.value_buf(), c);
        Ok(())
    }

    /// Checks one name character of a name of `len` bytes so far (element or attribute
    /// qname). Returns `Ok(false)` when `c` ends the name, `Ok(true)` when it is to be
    /// appended ([`Parser::push_name`]).
    #[inline]
    fn name_char(
        len: usize,
        st: &mut NameState,
        c: u32,
    ) -> Result<bool, (Condition, &'static str)> {
        if c == u32::from(b':') {
            if st.colon.is_some() || len == 0 {
                return Err((NotWellFormed, "misplaced colon in a name"));
            }
            st.colon = Some(len as u32);
            st.after_colon = true;
        } else if is_ncname_char(c) {
            if (len == 0 || st.after_colon) && !is_ncname_start(c) {
                return Err((NotWellFormed, "invalid name start character"));
            }
            st.after_colon = false;
        } else {
            if st.after_colon {
                return Err((NotWellFormed, "name ends with a colon"));
            }
            return Ok(false);
        }
        Ok(true)
    }

    fn step(&mut self, c: u32, len: u8) -> Result<(), Error> {
        let ws = is_ws(c);
        let lt = c == u32::from(b'<');
        let gt = c == u32::from(b'>');
        match self.state {
            State::Content => {
                if lt {
                    if self.open.len() == 1 {
                        self.in_stanza = true;
                        self.stanza_start = self.char_start;
                        self.reclaimed = false;
                        self.baseline();
                        // Expect an element like the last one.
                        self.presize(Buf::Nodes, self.last_nodes.next_multiple_of(8));
                        self.presize(
                            Buf::Text,
                            (self.last_nodes * BYTES_PER_NODE).next_multiple_of(64),
                        );
                    }
                    self.state = State::Lt;
                } else if c == u32::from(b'&') {
                    self.brackets = 0;
                    self.start_ref(0);
                } else if c == u32::from(b']') {
                    self.brackets = (self.brackets + 1).min(2);
                    self.text_char(c, len)?;
                } else {
                    if gt && self.brackets == 2 {
                        return Err(self.e(NotWellFormed, "']]>' in character data"));
                    }
                    self.brackets = 0;
                    self.text_char(c, len)?;
                }
            }
            State::Lt => {
                if c == u32::from(b'/') {
                    self.flush_text()?;
                    self.state = State::EndName(0);
                } else if c == u32::from(b'!') {
                    self.state = State::Bang(0);
                } else if c == u32::from(b'?') {
                    return Err(self.e(RestrictedXml, "processing instruction"));
                } else if is_ncname_start(c) {
                    self.flush_text()?;
                    self.begin_tag(c)?;
                } else {
                    return Err(self.e(NotWellFormed, "invalid character after '<'"));
                }
            }
            State::StartName => match Self::name_char(self.tag.len(), &mut self.tag_name, c) {
                Ok(true) => self.push_name(false, c)?,
                Ok(false) => self.after_name(c, ws, gt)?,
                Err((cond, r)) => return Err(self.e(cond, r)),
            },
            State::InTag | State::AfterValue => {
                if ws {
                    self.state = State::InTag;
                } else if c == u32::from(b'/') {
                    self.state = State::EmptyTag;
                } else if gt {
                    self.finish_start(false)?;
                } else if self.state == State::InTag && is_ncname_start(c) {
                    if self.attrs.len() >= self.limits.max_attributes {
                        return Err(self.e(PolicyViolation, "too many attributes"));
                    }
                    self.attr_start = self.scratch.len() as u32;
                    self.attr_name = NameState::default();
                    self.push_name(true, c)?;
                    self.state = State::AttrName;
                } else {
                    return Err(self.e(NotWellFormed, "unexpected character in a start tag"));
                }
            }
            State::AttrName => {
                let len = self.scratch.len() - self.attr_start as usize;
                match Self::name_char(len, &mut self.attr_name, c) {
                    Ok(true) => self.push_name(true, c)?,
                    Ok(false) => {
                        if ws {
                            self.state = State::AttrEq;
                        } else if c == u32::from(b'=') {
                            self.state = State::AttrQuote;
                        } else {
                            return Err(self.e(NotWellFormed, "expected '=' after attribute name"));
                        }
                    }
                    Err((cond, r)) => return Err(self.e(cond, r)),
                }
            }
            State::AttrEq => {
                if c == u32::from(b'=') {
                    self.state = State::AttrQuote;
                } else if !ws {
                    return Err(self.e(NotWellFormed, "expected '=' after attribute name"));
                }
            }
            State::AttrQuote => {
                if c == u32::from(b'"') || c == u32::from(b'\'') {
                    self.begin_value(c as u8)?;
                } else if !ws {
                    return Err(self.e(NotWellFormed, "expected a quoted attribute value"));
                }
            }
            State::AttrValue(q) => {
                if c == u32::from(q) {
                    self.end_value();
                } else if c == u32::from(b'&') {
                    self.start_ref(q);
                } else if lt {
                    return Err(self.e(NotWellFormed, "'<' in an attribute value"));
                } else if ws {
                    // XML 1.0 §3.3.3 attribute-value normalisation.
                    self.push_value(u32::from(b' '))?;
                } else {
                    self.push_value(c)?;
                }
            }
            State::EmptyTag => {
                if gt {
                    self.finish_start(true)?;
                } else {
                    return Err(self.e(NotWellFormed, "expected '>' after '/'"));
                }
            }
            State::EndName(k) => self.end_name(k, c, ws, gt)?,
            State::EndWs => {
                if gt {
                    self.finish_end()?;
                } else if !ws {
                    return Err(self.e(NotWellFormed, "unexpected character in an end tag"));
                }
            }
            State::Ref(q) => self.ref_char(q, c)?,
            State::Bang(n) => {
                const CDATA: &[u8; 7] = b"[CDATA[";
                if c == u32::from(CDATA[n as usize]) {
                    self.state = if n == 6 {
                        State::Cdata(0)
                    } else {
                        State::Bang(n + 1)
                    };
                } else if n == 0 && (c == u32::from(b'-') || c == u32::from(b'D')) {
                    return Err(self.e(RestrictedXml, "comment or document type declaration"));
                } else {
                    return Err(self.e(NotWellFormed, "invalid markup after '<!'"));
                }
            }
            State::Cdata(k) => {
                if c == u32::from(b']') {
                    if k == 2 {
                        self.text_char(c, 1)?;
                    } else {
                        self.state = State::Cdata(k + 1);
                    }
                } else if gt && k == 2 {
                    self.state = State::Content;
                    self.brackets = 0;
                    if self.open.len() == 1 {
                        self.in_stanza = false;
                    }
                } else {
                    for _ in 0..k {
                        self.text_char(u32::from(b']'), 1)?;
                    }
                    self.state = State::Cdata(0);
                    self.text_char(c, len)?;
                }
            }
            State::AfterClose => {
                if !ws {
                    return Err(self.e(NotWellFormed, "data after the stream was closed"));
                }
            }
            State::DocStart | State::Prolog => {
                if lt {
                    self.in_stanza = true;
                    self.stanza_start = self.char_start;
                    self.state = State::PrologLt {
                        first: self.state == State::DocStart,
                    };
                } else if ws {
                    self.state = State::Prolog;
                } else {
                    return Err(self.e(NotWellFormed, "expected the stream header"));
                }
            }
            State::PrologLt { first } => {
                if c == u32::from(b'?') {
                    if first {
                        self.state = State::DeclTarget(0);
                    } else {
                        return Err(self.e(
                            RestrictedXml,
                            "processing instruction or misplaced XML declaration",
                        ));
                    }
                } else if c == u32::from(b'!') {
                    self.state = State::PrologBang;
                } else if is_ncname_start(c) {
                    self.begin_tag(c)?;
                } else {
                    return Err(self.e(NotWellFormed, "invalid character after '<'"));
                }
            }
            State::PrologBang => {
                if c == u32::from(b'-') || c == u32::from(b'D') {
                    return Err(self.e(RestrictedXml, "comment or document type declaration"));
                }
                return Err(self.e(NotWellFormed, "invalid markup before the stream header"));
            }
            State::DeclTarget(n) => {
                if c == u32::from(b"xml"[n as usize]) {
                    self.state = if n == 2 {
                        State::DeclSpace
                    } else {
                        State::DeclTarget(n + 1)
                    };
                } else {
                    return Err(self.e(RestrictedXml, "processing instruction"));
                }
            }
            State::DeclSpace => {
                if ws {
                    self.decl.clear();
                    self.state = State::DeclBody;
                } else if is_ncname_char(c) || c == u32::from(b':') {
                    return Err(self.e(RestrictedXml, "processing instruction"));
                } else {
                    return Err(self.e(NotWellFormed, "malformed XML declaration"));
                }
            }
            State::DeclBody | State::DeclQ => {
                if self.state == State::DeclQ && gt {
                    self.xml_decl()?;
                    self.in_stanza = false;
                    self.state = State::Prolog;
                    return Ok(());
                }
                if self.state == State::DeclQ {
                    self.decl.push('?');
                }
                if c == u32::from(b'?') {
                    self.state = State::DeclQ;
                } else {
                    push_char(&mut self.decl, c);
                    self.state = State::DeclBody;
                }
                if self.decl.len() > MAX_DECL {
                    return Err(self.e(NotWellFormed, "XML declaration too long"));
                }
            }
        }
        Ok(())
    }

    /// The opening quote of an attribute value. Values of ordinary attributes inside the
    /// stream go straight into the tree's buffer; namespace declarations and stream
    /// header values go to `scratch`.
    #[inline]
    fn begin_value(&mut self, q: u8) -> Result<(), Error> {
        self.room(Buf::Attrs, 1)?;
        let name = Span {
            start: self.attr_start,
            len: self.scratch.len() as u32 - self.attr_start,
        };
        let qname = name.bytes(&self.scratch);
        let decl =
            qname == b"xmlns" || (self.attr_name.colon == Some(5) && qname.starts_with(b"xmlns:"));
        self.value_tree = !decl && !self.open.is_empty();
        let start = self.value_buf().len() as u32;
        self.attrs.push(RawAttr {
            name,
            colon: self.attr_name.colon,
            value: Span { start, len: 0 },
            tree: self.value_tree,
            decl,
        });
        self.state = State::AttrValue(q);
        Ok(())
    }

    /// The closing quote of an attribute value.
    #[inline]
    fn end_value(&mut self) {
        let end = self.value_buf().len() as u32;
        if let Some(a) = self.attrs.last_mut() {
            a.value.len = end - a.value.start;
        }
        self.state = State::AfterValue;
    }

    /// Where the current attribute value goes.
    #[inline]
    fn value_buf(&mut self) -> &mut Vec<u8> {
        if self.value_tree {
            &mut self.cur.buf
        } else {
            &mut self.scratch
        }
    }

    fn begin_tag(&mut self, c: u32) -> Result<(), Error> {
        self.tag.clear();
        self.scratch.clear();
        self.attrs.clear();
        self.tag_name = NameState::default();
        self.state = State::StartName;
        match Self::name_char(0, &mut self.tag_name, c) {
            Ok(_) => self.push_name(false, c),
            Err((cond, r)) => Err(self.e(cond, r)),
        }
    }

    fn after_name(&mut self, c: u32, ws: bool, gt: bool) -> Result<(), Error> {
        if ws {
            self.state = State::InTag;
        } else if c == u32::from(b'/') {
            self.state = State::EmptyTag;
        } else if gt {
            self.finish_start(false)?;
        } else {
            return Err(self.e(NotWellFormed, "unexpected character in a start tag"));
        }
        Ok(())
    }

    fn end_name(&mut self, k: u32, c: u32, ws: bool, gt: bool) -> Result<(), Error> {
        let Some(top) = self.open.last() else {
            return Err(self.e(NotWellFormed, "end tag without a start tag"));
        };
        let start = top.qname_start as usize;
        let qlen = top.qname_len as usize;
        let k = k as usize;
        if k == qlen && (ws || gt) {
            if gt {
                return self.finish_end();
            }
            self.state = State::EndWs;
            return Ok(());
        }
        let mut enc = [0u8; 4];
        let bytes = char::from_u32(c).map_or(&[][..], |ch| ch.encode_utf8(&mut enc).as_bytes());
        let expected = self.qnames.get(start + k..start + qlen).unwrap_or(&[]);
        if !bytes.is_empty() && expected.starts_with(bytes) {
            self.state = State::EndName((k + bytes.len()) as u32);
            Ok(())
        } else {
            Err(self.e(NotWellFormed, "end tag does not match the start tag"))
        }
    }
}
