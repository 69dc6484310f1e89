//! The element parser: one complete top-level element, already gathered in one slice
//! (see `gather.rs`), parsed in a single pass straight into its tree.
//!
//! It takes the shapes real stanzas are made of: ASCII names, attribute values and text
//! with the predefined entities and character references, default and prefixed
//! namespace declarations with plain values, modest nesting and attribute counts. It
//! makes every check of the general parser (UTF-8, `Char`, names, tag structure, end-tag
//! names, namespaces, attribute uniqueness, every limit) and gives up, returning `None`,
//! on anything else: an error, CDATA, a carriage return, a non-ASCII name, an unusual
//! declaration, a limit reached. The caller then hands the same bytes to the general
//! parser, which reports the exact error or builds the tree, so the frames and the
//! errors never depend on which parser ran. A unit test and a fuzz target compare the two.

use core::mem::size_of;

use super::fast::{NAME_ASCII, append, predefined_ref};
use super::tags::same_attr;
use super::{Parser, Tree};
use crate::chars::is_char;
use alloc::string::String;
use alloc::vec::Vec;

use crate::element::{Element, Node, Span};
use crate::limits::Limits;
use crate::namespaces::NsStack;
use crate::simd::{self, find};

/// Deepest nesting taken (deeper elements go to the general parser).
const MAX_OPEN: usize = 16;
/// Most namespace declarations in scope inside one element taken.
const MAX_BINDS: usize = 8;
/// Most attributes (declarations excluded) on one start tag taken.
const MAX_ATTRS: usize = 16;

#[derive(Debug, Clone, Copy, Default)]
struct OpenEl {
    /// The qualified name, in the input.
    qname: u32,
    qlen: u32,
    node: u32,
    children: u32,
    text: u32,
    /// Declarations in scope when the element started.
    binds: u32,
    /// [`Whole::default`] when the element started.
    default: u32,
}

/// A namespace declaration inside the element: prefix and namespace name in the input,
/// and the namespace name's span in the tree once it has been copied there.
#[derive(Debug, Clone, Copy, Default)]
struct Bind {
    prefix: u32,
    plen: u32,
    uri: u32,
    ulen: u32,
    span: Option<Span>,
}

/// The element parser's fixed-size stacks, kept in the parser between elements so that
/// they are not cleared for each one (every entry is written before it is read).
#[derive(Debug, Clone)]
pub(super) struct Stacks {
    open: [OpenEl; MAX_OPEN],
    binds: [Bind; MAX_BINDS],
    /// Header bindings already copied into the tree: (binding identity, span).
    copied: [(u32, Span); 4],
}

impl Default for Stacks {
    fn default() -> Self {
        Stacks {
            open: [OpenEl::default(); MAX_OPEN],
            binds: [Bind::default(); MAX_BINDS],
            copied: [(0, Span::default()); 4],
        }
    }
}

struct Whole<'a> {
    raw: &'a [u8],
    limits: &'a Limits,
    /// The stream header's bindings.
    header: &'a NsStack,
    t: Tree,
    stacks: &'a mut Stacks,
    depth: usize,
    nbinds: usize,
    /// The innermost default namespace declaration in scope: its index in `binds` plus
    /// one, or 0 for the stream's default namespace.
    default: usize,
    ncopied: usize,
    /// The stream's default namespace, once copied into the tree.
    header_default: Option<Span>,
    /// Where in the tree runs with non-ASCII bytes were copied (from the first one's
    /// start to the last one's end; empty when none was).
    high: (usize, usize),
    work: u64,
}

impl Parser {
    /// Parses the top-level element at the start of `raw` (from its `<`); returns it,
    /// its length and the work done, or `None` to leave it to the general parser (also
    /// when `raw` ends before the element does).
    pub(super) fn parse_whole(&mut self, raw: &[u8]) -> Option<(Element, usize, u64)> {
        let nodes = self.last_nodes.max(8);
        let mut buf = core::mem::take(&mut self.whole_buf);
        buf.reserve(raw.len());
        let mut w = Whole {
            raw,
            limits: &self.limits,
            header: &self.ns,
            t: Tree {
                nodes: Vec::with_capacity(nodes),
                buf,
            },
            stacks: &mut self.stacks,
            depth: 0,
            nbinds: 0,
            default: 0,
            ncopied: 0,
            header_default: None,
            high: (usize::MAX, 0),
            work: 0,
        };
        let len = w.element();
        let Whole { t, work, high, .. } = w;
        let Tree { nodes, mut buf } = t;
        let el = len.and_then(|len| {
            let el = self.finish_whole(nodes, &buf, high)?;
            Some((el, len, work))
        });
        // The scratch buffer is kept, unless an element grew it past what a tree the
        // element parser takes may hold.
        buf.clear();
        if buf.capacity() <= self.limits.max_element_bytes / 8 {
            self.whole_buf = buf;
        }
        el
    }

    /// The element parsed whole, from its nodes and string bytes: `None` when the
    /// bytes hold U+FFFE or U+FFFF or are not UTF-8, or when the tree is too large for
    /// the element parser.
    fn finish_whole(
        &self,
        mut nodes: Vec<Node>,
        buf: &[u8],
        high: (usize, usize),
    ) -> Option<Element> {
        // U+FFFE and U+FFFF are UTF-8 (EF BF BE, EF BF BF) but not XML characters.
        if buf.get(high.0..high.1).is_some_and(has_nonchar) {
            return None;
        }
        // Trees that take much more memory than their bytes (many tiny elements, long
        // namespace names) are left to the general parser's memory accounting.
        let held = nodes.len() * size_of::<Node>() + buf.len();
        if held > self.limits.max_element_bytes / 8 {
            return None;
        }
        // Give back a large excess, as the general parser does.
        if nodes.capacity() > 2 * nodes.len() + 8 {
            nodes.shrink_to_fit();
        }
        // The one UTF-8 check of the element's strings (SIMD where the CPU has it),
        // then an exactly sized copy: the element's second and last allocation.
        let text = simdutf8::basic::from_utf8(buf).ok()?;
        Some(Element {
            nodes,
            buf: String::from(text),
        })
    }
}

impl Whole<'_> {
    /// The whole element: returns the offset after its last `>`.
    fn element(&mut self) -> Option<usize> {
        let raw = self.raw;
        let mut i = self.start_tag(1)?;
        while self.depth > 0 {
            i = self.text(i)?;
            i = if raw.get(i) == Some(&b'/') {
                self.end_tag(i + 1)?
            } else {
                self.start_tag(i)?
            };
        }
        Some(i)
    }

    /// A start tag from its name (at `i`) to its `>`; returns the offset after it.
    fn start_tag(&mut self, at: usize) -> Option<usize> {
        let raw = self.raw;
        let limits = self.limits;
        self.work += 1;
        let (qlen, colon) = name(raw, at)?;
        if qlen > limits.max_name_bytes {
            return None;
        }
        let level = self.depth + 1;
        if level > limits.max_depth || level > MAX_OPEN {
            return None;
        }
        if let Some(parent) = self.depth.checked_sub(1).map(|d| &mut self.stacks.open[d]) {
            parent.children += 1;
            if parent.children as usize > limits.max_children {
                return None;
            }
        }
        let bind_mark = self.nbinds;
        let default_mark = self.default;
        // The element node first, its namespace filled in once the tag's declarations
        // are known; the attribute nodes follow as they are read.
        let node = self.t.nodes.len();
        let skip = if colon == 0 { 0 } else { colon + 1 };
        let local = self.push_raw(at + skip, qlen - skip);
        self.t.nodes.push(Node::Elem {
            ns: Span::default(),
            name: local,
            attrs: 0,
            end: 0,
        });
        let mut i = at + qlen;
        let mut count = 0usize;
        let mut nattrs = 0usize;
        // Attribute uniqueness: names in no namespace are hashed into a 64-bit set as they
        // are read, and every pair is compared at the tag's end only when two of them
        // share a hash or some attribute is prefixed.
        let mut seen = 0u64;
        let mut check_all = false;
        let mut prefixed = false;
        let empty = loop {
            match *raw.get(i)? {
                b'>' => break false,
                b'/' => {
                    i += 1;
                    if raw.get(i) != Some(&b'>') {
                        return None;
                    }
                    break true;
                }
                b' ' | b'\t' | b'\n' | b'\r' => {}
                _ => return None,
            }
            i = skip_ws(raw, i);
            if matches!(raw.get(i), Some(b'>' | b'/')) {
                continue;
            }
            // An attribute.
            self.work += 1;
            let (alen, acolon) = name(raw, i)?;
            count += 1;
            if alen > limits.max_name_bytes || count > limits.max_attributes {
                return None;
            }
            let name_at = i;
            i = skip_ws(raw, i + alen);
            if raw.get(i) != Some(&b'=') {
                return None;
            }
            i = skip_ws(raw, i + 1);
            let q = *raw.get(i)?;
            if q != b'\'' && q != b'"' {
                return None;
            }
            let xmlns = raw.get(name_at..).and_then(<[u8]>::first_chunk) == Some(b"xmlns");
            if xmlns && (alen == 5 || acolon == 5) {
                i = self.declaration(name_at, alen, acolon, i + 1, q, bind_mark)?;
                continue;
            }
            if nattrs == MAX_ATTRS {
                return None;
            }
            let skip = if acolon == 0 { 0 } else { acolon + 1 };
            let aname = self.push_raw(name_at + skip, alen - skip);
            let start = self.t.buf.len() as u32;
            i = self.value(i + 1, q)?;
            let value = Span {
                start,
                len: self.t.buf.len() as u32 - start,
            };
            // A prefixed attribute's namespace is resolved at the tag's end; until
            // then its span locates the prefix in the input.
            let ns = if acolon == 0 {
                let bit = 1u64 << (name_hash(raw, name_at, alen) & 63);
                check_all |= seen & bit != 0;
                seen |= bit;
                Span::default()
            } else {
                prefixed = true;
                Span {
                    start: name_at as u32,
                    len: acolon as u32,
                }
            };
            self.t.nodes.push(Node::Attr {
                ns,
                name: aname,
                value,
            });
            nattrs += 1;
        };
        // `i` is at the tag's `>`.
        self.finish_start(node, at, colon, nattrs, prefixed, check_all || prefixed)?;
        if empty {
            self.t.close(node);
            self.nbinds = bind_mark;
            self.default = default_mark;
        } else {
            self.stacks.open[self.depth] = OpenEl {
                qname: at as u32,
                qlen: qlen as u32,
                node: node as u32,
                children: 0,
                text: 0,
                binds: bind_mark as u32,
                default: default_mark as u32,
            };
            self.depth += 1;
        }
        Some(i + 1)
    }

    /// Namespace resolution at the end of a start tag (its declarations now known) and,
    /// when `check_all`, attribute uniqueness (Namespaces in XML 1.0 §6.3; the start
    /// tag has checked it otherwise).
    fn finish_start(
        &mut self,
        node: usize,
        at: usize,
        colon: usize,
        nattrs: usize,
        prefixed: bool,
        check_all: bool,
    ) -> Option<()> {
        let raw = self.raw;
        let ns = if colon == 0 {
            self.default_namespace()
        } else {
            let prefix = &raw[at..at + colon];
            if prefix == b"xmlns" {
                return None;
            }
            self.resolve(prefix)?
        };
        if let Some(Node::Elem {
            ns: n, attrs: a, ..
        }) = self.t.nodes.get_mut(node)
        {
            *n = ns;
            *a = nattrs as u32;
        }
        let first = node + 1;
        if prefixed {
            for k in first..first + nattrs {
                if let Some(&Node::Attr { ns: p, .. }) = self.t.nodes.get(k)
                    && p.len > 0
                {
                    let (s, l) = (p.start as usize, p.len as usize);
                    let resolved = self.resolve(&raw[s..s + l])?;
                    if let Some(Node::Attr { ns, .. }) = self.t.nodes.get_mut(k) {
                        *ns = resolved;
                    }
                }
            }
        }
        if !check_all {
            return Some(());
        }
        for k in first + 1..first + nattrs {
            let Some(&Node::Attr { ns, name, .. }) = self.t.nodes.get(k) else {
                continue;
            };
            if self.t.nodes[first..k]
                .iter()
                .any(|n| same_attr(&self.t.buf, (ns, name), n))
            {
                return None;
            }
        }
        Some(())
    }

    /// Copies `len` bytes of the input at `at` into the tree.
    #[inline]
    fn push_raw(&mut self, at: usize, len: usize) -> Span {
        let start = self.t.buf.len() as u32;
        append(&mut self.t.buf, &self.raw[at..], len);
        Span {
            start,
            len: len as u32,
        }
    }

    /// The span in the tree of the default namespace in scope, copied there on first
    /// use.
    #[inline]
    fn default_namespace(&mut self) -> Span {
        if let Some(k) = self.default.checked_sub(1) {
            return self.bound(k);
        }
        // The stream's default namespace: most elements are in it.
        if let Some(s) = self.header_default {
            return s;
        }
        let s = match self.header.resolve(b"") {
            Some(uri) if !uri.is_empty() => self.t.push_bytes(uri),
            _ => Span::default(),
        };
        self.header_default = Some(s);
        s
    }

    /// The span in the tree of the namespace name of declaration `k` of this element,
    /// copied there on first use.
    #[inline]
    fn bound(&mut self, k: usize) -> Span {
        let b = self.stacks.binds[k];
        if let Some(s) = b.span {
            return s;
        }
        let s = self.push_raw(b.uri as usize, b.ulen as usize);
        self.stacks.binds[k].span = Some(s);
        s
    }

    /// The span in the tree of the namespace bound to `prefix` (not empty), copied there
    /// on first use; `None` for an undeclared prefix.
    fn resolve(&mut self, prefix: &[u8]) -> Option<Span> {
        let raw = self.raw;
        for k in (0..self.nbinds).rev() {
            let b = self.stacks.binds[k];
            if b.plen as usize == prefix.len()
                && &raw[b.prefix as usize..(b.prefix + b.plen) as usize] == prefix
            {
                return Some(self.bound(k));
            }
        }
        let (id, uri) = self.header.resolve_id(prefix)?;
        if uri.is_empty() {
            return Some(Span::default());
        }
        if let Some(&(_, s)) = self.stacks.copied[..self.ncopied]
            .iter()
            .find(|c| c.0 == id)
        {
            return Some(s);
        }
        let s = self.t.push_bytes(uri);
        if self.ncopied < self.stacks.copied.len() {
            self.stacks.copied[self.ncopied] = (id, s);
            self.ncopied += 1;
        }
        Some(s)
    }

    /// A namespace declaration whose value starts at `i` (after the quote `q`); returns
    /// the offset after the closing quote. Values with references or whitespace are left
    /// to the general parser.
    fn declaration(
        &mut self,
        name_at: usize,
        alen: usize,
        colon: usize,
        i: usize,
        q: u8,
        bind_mark: usize,
    ) -> Option<usize> {
        let raw = self.raw;
        let rest = raw.get(i..)?;
        // Printable ASCII up to the closing quote. Anything else in a namespace name
        // (whitespace and controls, which are errors, references, non-ASCII characters)
        // is left to the general parser.
        let len = printable_run_len(rest, q);
        if rest.get(len) != Some(&q) {
            return None;
        }
        let uri = &rest[..len];
        let (prefix_at, plen) = if colon == 0 {
            (name_at + alen, 0)
        } else {
            (name_at + colon + 1, alen - colon - 1)
        };
        let prefix = &raw[prefix_at..prefix_at + plen];
        // Two declarations of the same prefix on one tag.
        if self.stacks.binds[bind_mark..self.nbinds]
            .iter()
            .any(|b| &raw[b.prefix as usize..(b.prefix + b.plen) as usize] == prefix)
        {
            return None;
        }
        // `Ok(false)` is `xmlns:xml` with its own namespace: accepted without a binding,
        // which the duplicate check above would not see; rare, so left to the general
        // parser.
        if NsStack::check_names(prefix, uri) != Ok(true) || self.nbinds == MAX_BINDS {
            return None;
        }
        if self.header.len() + self.nbinds + 1 > self.limits.max_namespace_decls {
            return None;
        }
        self.stacks.binds[self.nbinds] = Bind {
            prefix: prefix_at as u32,
            plen: plen as u32,
            uri: i as u32,
            ulen: len as u32,
            span: None,
        };
        self.nbinds += 1;
        if plen == 0 {
            self.default = self.nbinds;
        }
        Some(i + len + 1)
    }

    /// An attribute value from `i` (after the quote `q`) into the tree, references
    /// replaced and whitespace normalised; returns the offset after the closing quote.
    fn value(&mut self, mut i: usize, q: u8) -> Option<usize> {
        let raw = self.raw;
        loop {
            let rest = raw.get(i..)?;
            let (m, high) = value_run_len(rest, q);
            self.run(rest, m, high)?;
            i += m;
            match *rest.get(m)? {
                b if b == q => return Some(i + 1),
                b'&' => {
                    let (c, len) = reference(rest.get(m..)?)?;
                    push_char(&mut self.t.buf, c);
                    i += len;
                }
                // Attribute-value normalisation, XML 1.0 §3.3.3.
                b'\t' | b'\n' => {
                    self.t.buf.push(b' ');
                    i += 1;
                }
                _ => return None,
            }
        }
    }

    /// Appends `rest[..m]`. A run with a byte of 0x80 or above (`high`) must begin and
    /// end on character boundaries; the rest of the UTF-8 check is done once on the
    /// whole tree (every other piece of it is ASCII or a whole character, so the tree
    /// is UTF-8 exactly when every run is), and so is the check for U+FFFE and U+FFFF.
    #[inline(always)]
    fn run(&mut self, rest: &[u8], m: usize, high: u8) -> Option<()> {
        if high >= 0x80 {
            if !whole_chars(&rest[..m]) {
                return None;
            }
            let at = self.t.buf.len();
            self.high = (self.high.0.min(at), at + m);
        }
        append(&mut self.t.buf, rest, m);
        Some(())
    }

    /// Character data from `i` up to the next `<`; returns the offset after that `<`.
    fn text(&mut self, mut i: usize) -> Option<usize> {
        let raw = self.raw;
        // No text between two tags: the common case.
        if raw.get(i) == Some(&b'<') {
            return Some(i + 1);
        }
        let start = self.t.buf.len();
        loop {
            self.work += 1;
            let rest = raw.get(i..)?;
            let (m, high) = text_run_len(rest);
            self.run(rest, m, high)?;
            i += m;
            match *rest.get(m)? {
                b'<' => break,
                b'&' => {
                    let (c, len) = reference(rest.get(m..)?)?;
                    push_char(&mut self.t.buf, c);
                    i += len;
                }
                b']' => {
                    if rest.get(m..m + 3) == Some(b"]]>") {
                        return None;
                    }
                    self.t.buf.push(b']');
                    i += 1;
                }
                _ => return None,
            }
        }
        let len = self.t.buf.len() - start;
        if len > 0 {
            let top = self.stacks.open.get_mut(self.depth.checked_sub(1)?)?;
            top.text = top.text.saturating_add(len as u32);
            if top.text as usize > self.limits.max_text_bytes {
                return None;
            }
            self.t.nodes.push(Node::Text(Span {
                start: start as u32,
                len: len as u32,
            }));
        }
        Some(i + 1)
    }

    /// An end tag from its name (at `i`, after `</`); returns the offset after its `>`.
    fn end_tag(&mut self, i: usize) -> Option<usize> {
        let raw = self.raw;
        self.work += 1;
        let o = self.stacks.open[self.depth.checked_sub(1)?];
        let (qs, ql) = (o.qname as usize, o.qlen as usize);
        if !same_bytes(raw, i, qs, ql) {
            return None;
        }
        let mut i = i + ql;
        if *raw.get(i)? != b'>' {
            if !matches!(raw[i], b' ' | b'\t' | b'\n' | b'\r') {
                return None;
            }
            i = skip_ws(raw, i);
            if *raw.get(i)? != b'>' {
                return None;
            }
        }
        self.t.close(o.node as usize);
        self.nbinds = o.binds as usize;
        self.default = o.default as usize;
        self.depth -= 1;
        Some(i + 1)
    }
}

/// Length of the run of character data at the start of `rest`: up to `<`, `&`, `]` or a
/// control other than tab and line feed; with whether it may hold a byte of 0x80 or
/// above (bit 7 of the result).
#[inline]
fn text_run_len(rest: &[u8]) -> (usize, u8) {
    let (m, high) = simd::run(rest, |v| {
        (simd::below(v, 0x20) & !(simd::is(v, b'\t') | simd::is(v, b'\n')))
            | simd::is(v, b'<')
            | simd::is(v, b'&')
            | simd::is(v, b']')
    });
    (m, u8::from(high) << 7)
}

/// Length of the run of an attribute value delimited by `q` at the start of `rest`: up
/// to the quote, `<`, `&` or a control (tab and line feed are normalised one at a
/// time); with whether it may hold a byte of 0x80 or above (bit 7 of the result).
#[inline]
fn value_run_len(rest: &[u8], q: u8) -> (usize, u8) {
    let (m, high) = simd::run(rest, |v| {
        simd::below(v, 0x20) | simd::is(v, q) | simd::is(v, b'<') | simd::is(v, b'&')
    });
    (m, u8::from(high) << 7)
}

/// Length of the run at the start of `rest` of printable ASCII (0x21 to 0x7E) other
/// than `q`, `<` and `&`.
#[inline]
fn printable_run_len(rest: &[u8], q: u8) -> usize {
    simd::run(rest, |v| {
        simd::below(v, 0x21)
            | simd::at_least(v, 0x7F)
            | simd::is(v, q)
            | simd::is(v, b'<')
            | simd::is(v, b'&')
    })
    .0
}

/// Whether `buf` holds the UTF-8 of U+FFFE or U+FFFF (EF BF BE, EF BF BF).
fn has_nonchar(buf: &[u8]) -> bool {
    let mut rest = buf;
    while let Some(k) = find(rest, 0xEF) {
        if let Some(&[0xBF, 0xBE | 0xBF]) = rest.get(k + 1..k + 3) {
            return true;
        }
        rest = &rest[k + 1..];
    }
    false
}

/// Whether `run` begins with the first byte of a character and ends with the last byte
/// of one (its first byte is not a continuation byte; its last lead byte has all its
/// continuation bytes).
fn whole_chars(run: &[u8]) -> bool {
    let cont = |b: u8| (0x80..0xC0).contains(&b);
    if run.first().is_some_and(|&b| cont(b)) {
        return false;
    }
    let Some(k) = run.iter().rev().take(4).position(|&b| !cont(b)) else {
        return run.is_empty();
    };
    let lead = run[run.len() - 1 - k];
    let want = match lead {
        0x00..=0x7F => 0,
        0xC0..=0xDF => 1,
        0xE0..=0xEF => 2,
        0xF0..=0xF7 => 3,
        _ => return false,
    };
    k == want
}

/// Length of the ASCII qualified name at `i` and the offset of its colon (0 for none);
/// `None` when there is no valid ASCII name there (a non-ASCII name included).
#[inline]
fn name(raw: &[u8], i: usize) -> Option<(usize, usize)> {
    let rest = raw.get(i..)?;
    let mut colon = 0;
    let mut k = 0;
    loop {
        // A name, and the part after a colon, start with a letter or `_`.
        let b = *rest.get(k)?;
        if !(b.is_ascii_alphabetic() || b == b'_') {
            return None;
        }
        k += 1;
        while let Some(&b) = rest.get(k) {
            if !NAME_ASCII[b as usize] {
                break;
            }
            k += 1;
        }
        match rest.get(k) {
            Some(b':') if colon == 0 => {
                colon = k;
                k += 1;
            }
            Some(b':') => return None,
            Some(&b) if b >= 0x80 => return None,
            _ => return Some((k, colon)),
        }
    }
}

/// A hash of the name `raw[at..at + len]` (not empty) from its first and last bytes and
/// its length: different for most pairs of attribute names on one tag.
#[inline]
fn name_hash(raw: &[u8], at: usize, len: usize) -> u32 {
    let first = raw.get(at).copied().unwrap_or(0);
    let last = raw.get((at + len).saturating_sub(1)).copied().unwrap_or(0);
    u32::from(first) * 31 + u32::from(last) + len as u32
}

/// Whether `raw[a..a + len]` exists and equals `raw[b..b + len]` (`b + len` within
/// `raw`): names of up to eight bytes are compared as one word, without a `memcmp` call.
#[inline]
fn same_bytes(raw: &[u8], a: usize, b: usize, len: usize) -> bool {
    if len <= 8
        && let (Some(x), Some(y)) = (
            raw.get(a..).and_then(<[u8]>::first_chunk::<8>),
            raw.get(b..).and_then(<[u8]>::first_chunk::<8>),
        )
    {
        let mask = u64::MAX >> (64 - 8 * len.max(1)) as u32;
        let differ = (u64::from_le_bytes(*x) ^ u64::from_le_bytes(*y)) & mask;
        return len == 0 || differ == 0;
    }
    raw.get(a..a + len) == raw.get(b..b + len)
}

#[inline]
fn skip_ws(raw: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = raw.get(i) {
        i += 1;
    }
    i
}

/// The character of the reference at the start of `rest` (`&...;`) and the reference's
/// length: the five predefined entities and character references to `Char`s.
fn reference(rest: &[u8]) -> Option<(u32, usize)> {
    if let Some((b, len)) = predefined_ref(rest) {
        return Some((u32::from(b), len));
    }
    if rest.get(1) != Some(&b'#') {
        return None;
    }
    let (radix, from) = if rest.get(2) == Some(&b'x') {
        (16, 3)
    } else {
        (10, 2)
    };
    let digits = rest.get(from..)?;
    let n = digits.iter().take(8).position(|&b| b == b';')?;
    if n == 0 {
        return None;
    }
    let mut v = 0u32;
    for &d in &digits[..n] {
        v = v * radix + char::from(d).to_digit(radix)?;
    }
    is_char(v).then_some((v, from + n + 1))
}

fn push_char(buf: &mut alloc::vec::Vec<u8>, c: u32) {
    if let Some(ch) = char::from_u32(c) {
        buf.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_run_stops_where_a_byte_test_does() {
        let stop = |b: u8, q: u8| !(0x21..0x7F).contains(&b) || b == q || b == b'<' || b == b'&';
        let clean = b"urn:xmpp:example:0123456789/'x'";
        for bad in [0x00, 0x09, 0x20, b'<', b'&', b'"', 0x7F, 0x80, 0xC3, 0xFF] {
            for at in 0..clean.len() {
                let mut input = clean.to_vec();
                input[at] = bad;
                for q in [b'"', b'\''] {
                    for from in 0..input.len() {
                        let rest = &input[from..];
                        let want = rest.iter().position(|&b| stop(b, q)).unwrap_or(rest.len());
                        assert_eq!(printable_run_len(rest, q), want, "{rest:?}");
                    }
                }
            }
        }
    }
}
