//! The memory budget: every buffer the parser keeps for the element being built (the
//! tree's node array and string buffer, the tag scratch buffers, the attribute, open
//! element and namespace stacks) is charged by its capacity against
//! `max_element_bytes` plus [`SLACK`]. Growth happens only here, through
//! [`Parser::room`], with a deterministic policy (double, clamp to the budget, reclaim
//! unused capacity before giving up), so the point where the budget runs out depends
//! only on the bytes, never on how they were split. The bulk fast paths never grow a
//! buffer: they stop where the capacity ends and let the character path grow it.

use core::mem::size_of;

use super::{Open, Parser, RawAttr};
use crate::element::Node;
use crate::error::{Condition, Error};

/// Bytes of bookkeeping allowed beyond `max_element_bytes` (the stream header's
/// namespace bindings and the open-element stack, which an element of exactly
/// `max_element_bytes` of text also needs).
pub(crate) const SLACK: usize = 2048;

/// Smallest capacity, in bytes, a buffer grows to.
const MIN_BYTES: usize = 64;

/// The charged buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Buf {
    /// The tree's string buffer.
    Text,
    /// The tree's node array.
    Nodes,
    /// Attribute names and values of the current tag.
    Scratch,
    /// The qualified name of the current tag.
    Tag,
    /// The attributes of the current tag.
    Attrs,
    /// The open elements.
    Open,
    /// The qualified names of the open elements.
    Qnames,
    /// Namespace bindings' strings.
    NsStrings,
    /// Namespace bindings.
    NsBindings,
}

impl Parser {
    /// `(len, capacity, element size)` of a buffer.
    #[inline]
    fn dims(&self, b: Buf) -> (usize, usize, usize) {
        match b {
            Buf::Text => (self.cur.buf.len(), self.cur.buf.capacity(), 1),
            Buf::Nodes => (
                self.cur.nodes.len(),
                self.cur.nodes.capacity(),
                size_of::<Node>(),
            ),
            Buf::Scratch => (self.scratch.len(), self.scratch.capacity(), 1),
            Buf::Tag => (self.tag.len(), self.tag.capacity(), 1),
            Buf::Attrs => (
                self.attrs.len(),
                self.attrs.capacity(),
                size_of::<RawAttr>(),
            ),
            Buf::Open => (self.open.len(), self.open.capacity(), size_of::<Open>()),
            Buf::Qnames => (self.qnames.len(), self.qnames.capacity(), 1),
            Buf::NsStrings => (self.ns.buf.len(), self.ns.buf.capacity(), 1),
            Buf::NsBindings => (
                self.ns.bindings.len(),
                self.ns.bindings.capacity(),
                self.ns.binding_size(),
            ),
        }
    }

    fn reserve_exact(&mut self, b: Buf, additional: usize) {
        match b {
            Buf::Text => self.cur.buf.reserve_exact(additional),
            Buf::Nodes => self.cur.nodes.reserve_exact(additional),
            Buf::Scratch => self.scratch.reserve_exact(additional),
            Buf::Tag => self.tag.reserve_exact(additional),
            Buf::Attrs => self.attrs.reserve_exact(additional),
            Buf::Open => self.open.reserve_exact(additional),
            Buf::Qnames => self.qnames.reserve_exact(additional),
            Buf::NsStrings => self.ns.buf.reserve_exact(additional),
            Buf::NsBindings => self.ns.bindings.reserve_exact(additional),
        }
    }

    /// Heap bytes charged against the budget (capacities).
    pub(super) fn held(&self) -> usize {
        self.cur.buf.capacity()
            + self.cur.nodes.capacity() * size_of::<Node>()
            + self.scratch.capacity()
            + self.tag.capacity()
            + self.attrs.capacity() * size_of::<RawAttr>()
            + self.open.capacity() * size_of::<Open>()
            + self.qnames.capacity()
            + self.ns.memory_in_use()
            + self.whole_buf.capacity()
    }

    /// The budget: `max_element_bytes` plus [`SLACK`].
    #[inline]
    fn budget(&self) -> usize {
        self.limits.max_element_bytes + SLACK
    }

    /// Makes room for `extra` more elements in buffer `b`, growing it within the budget;
    /// `policy-violation` when the budget is exhausted.
    #[inline]
    pub(super) fn room(&mut self, b: Buf, extra: usize) -> Result<(), Error> {
        let (len, cap, _) = self.dims(b);
        if cap - len >= extra {
            return Ok(());
        }
        self.grow(&[(b, extra)])
    }

    /// Makes room in several buffers at once (a reclaim never undoes one of them).
    pub(super) fn room_all(&mut self, reqs: &[(Buf, usize)]) -> Result<(), Error> {
        if reqs.iter().all(|&(b, extra)| {
            let (len, cap, _) = self.dims(b);
            cap - len >= extra
        }) {
            return Ok(());
        }
        self.grow(reqs)
    }

    /// Grows the buffers of `reqs` (doubling, or by half the budget left when that does
    /// not fit); when even that fails, gives back all unused capacity and grows them
    /// exactly. That reclaim (which copies the buffers) happens at most once per
    /// top-level element, so it costs at most one copy of the element.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, reqs: &[(Buf, usize)]) -> Result<(), Error> {
        if reqs
            .iter()
            .all(|&(b, extra)| self.try_grow(b, extra, false))
        {
            return Ok(());
        }
        if !self.reclaimed {
            self.reclaimed = true;
            self.reclaim();
            if reqs.iter().all(|&(b, extra)| self.try_grow(b, extra, true)) {
                return Ok(());
            }
        }
        Err(self.e(
            Condition::PolicyViolation,
            "element exceeds the memory limit",
        ))
    }

    fn try_grow(&mut self, b: Buf, extra: usize, exact: bool) -> bool {
        let (len, cap, size) = self.dims(b);
        let need = len.saturating_add(extra);
        if need <= cap {
            return true;
        }
        let others = self.held() - cap * size;
        let max = self.budget().saturating_sub(others) / size;
        if need > max {
            return false;
        }
        let double = need
            .max(cap.saturating_mul(2))
            .max(MIN_BYTES.div_ceil(size));
        let new = if exact {
            need
        } else if double <= max {
            double
        } else {
            // Leave half of what is left to the other buffers.
            need + (max - need) / 2
        };
        self.reserve_exact(b, new - len);
        true
    }

    /// Reserves up to `want` elements in buffer `b` ahead of time, within the budget
    /// (never fails).
    pub(super) fn presize(&mut self, b: Buf, want: usize) {
        let (len, cap, size) = self.dims(b);
        if cap >= want {
            return;
        }
        let others = self.held() - cap * size;
        let max = self.budget().saturating_sub(others) / size;
        let new = want.min(max);
        if new > cap {
            self.reserve_exact(b, new - len);
        }
    }

    /// Gives back every unused capacity.
    pub(super) fn reclaim(&mut self) {
        self.cur.buf.shrink_to_fit();
        self.cur.nodes.shrink_to_fit();
        self.scratch.shrink_to_fit();
        self.tag.shrink_to_fit();
        self.attrs.shrink_to_fit();
        self.open.shrink_to_fit();
        self.qnames.shrink_to_fit();
        self.ns.buf.shrink_to_fit();
        self.ns.bindings.shrink_to_fit();
        self.whole_buf.shrink_to_fit();
    }
}
