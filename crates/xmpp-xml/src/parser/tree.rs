//! The element under construction: the layout of [`Element`], with its string buffer
//! kept as bytes. Every byte is checked as UTF-8 when it is read (plain ASCII runs need
//! no decoding at all), so the buffer becomes a `String` with a single check when the
//! element is complete, instead of one per text run, name and value.

use alloc::string::String;
use alloc::vec::Vec;

use crate::element::{Element, Node, Span};

#[derive(Debug, Clone, Default)]
pub(super) struct Tree {
    pub(super) nodes: Vec<Node>,
    pub(super) buf: Vec<u8>,
}

impl Tree {
    pub(super) fn with_capacity(nodes: usize, bytes: usize) -> Self {
        Tree {
            nodes: Vec::with_capacity(nodes),
            buf: Vec::with_capacity(bytes),
        }
    }

    #[inline]
    pub(super) fn push_bytes(&mut self, s: &[u8]) -> Span {
        let start = self.buf.len() as u32;
        self.buf.extend_from_slice(s);
        Span {
            start,
            len: s.len() as u32,
        }
    }

    /// Sets the end of the element at `idx` to the current node count.
    #[inline]
    pub(super) fn close(&mut self, idx: usize) {
        let len = self.nodes.len() as u32;
        if let Some(Node::Elem { end, .. }) = self.nodes.get_mut(idx) {
            *end = len;
        }
    }

    /// The finished element; `None` only if the buffer were not UTF-8, which the
    /// input checks rule out.
    pub(super) fn into_element(self) -> Option<Element> {
        let buf = String::from_utf8(self.buf).ok()?;
        Some(Element {
            nodes: self.nodes,
            buf,
        })
    }
}
