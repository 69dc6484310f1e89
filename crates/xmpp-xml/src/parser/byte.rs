//! One-byte pieces: a byte that only extends the current token (a text, value or name
//! character, tag whitespace, a matching end-tag byte) is handled here with a few checks,
//! without entering the general loop. Everything else, including every byte that may
//! complete a tag or raise an error, is left to [`Parser::run`].

use super::fast::{ATTR_SAFE_DQ, ATTR_SAFE_SQ, NAME_ASCII, TEXT_SAFE};
use super::{NameState, Parser, State};

impl Parser {
    /// Handles `b` alone when it is a plain continuation byte; returns whether it was
    /// consumed. Makes exactly the changes the bulk fast paths would make for the same
    /// byte (they are the reference, and the tests compare every split against them).
    #[inline]
    pub(crate) fn byte_step(&mut self, b: u8) -> bool {
        // Callers never run the parser with a frame pending.
        debug_assert!(!self.has_frame());
        if b >= 0x80 || !self.utf8.idle() || self.after_cr || self.byte_room() == 0 {
            return false;
        }
        // Text and attribute values first: most bytes are theirs.
        let done = if matches!(self.state, State::Content) {
            self.byte_text(b)
        } else if let State::AttrValue(q) = self.state {
            self.byte_value(b, q)
        } else {
            self.byte_markup(b)
        };
        if done {
            self.pos += 1;
            self.work += 1;
        }
        done
    }

    /// The bytes of names and tags.
    #[inline]
    fn byte_markup(&mut self, b: u8) -> bool {
        match self.state {
            State::StartName => self.byte_name(b, false),
            State::AttrName => self.byte_name(b, true),
            State::EndName(k) => self.byte_end(b, k),
            State::InTag | State::AfterValue => self.byte_tag(b),
            State::AttrEq if b == b' ' => true,
            State::AttrEq if b == b'=' => {
                self.state = State::AttrQuote;
                true
            }
            State::AttrQuote if b == b' ' => true,
            State::AttrQuote if b == b'\'' || b == b'"' => {
                self.attrs.len() < self.attrs.capacity() && self.begin_value(b).is_ok()
            }
            State::Lt => self.fast_lt(b) == 1,
            _ => false,
        }
    }

    #[inline]
    fn byte_text(&mut self, b: u8) -> bool {
        if self.open.len() < 2 || self.brackets != 0 {
            return false;
        }
        if b == b'<' {
            self.state = State::Lt;
            return true;
        }
        let max = self.limits.max_text_bytes;
        let Some(top) = self.open.last_mut() else {
            return false;
        };
        if !TEXT_SAFE[usize::from(b)]
            || top.text as usize >= max
            || self.cur.buf.len() == self.cur.buf.capacity()
        {
            return false;
        }
        top.text += 1;
        if self.text_open.is_none() {
            self.text_open = Some(self.cur.buf.len() as u32);
        }
        self.cur.buf.push(b);
        true
    }

    #[inline]
    fn byte_value(&mut self, b: u8, q: u8) -> bool {
        if b == q {
            self.end_value();
            return true;
        }
        let table = if q == b'"' {
            &ATTR_SAFE_DQ
        } else {
            &ATTR_SAFE_SQ
        };
        let buf = if self.value_tree {
            &mut self.cur.buf
        } else {
            &mut self.scratch
        };
        if !table[usize::from(b)] || buf.len() == buf.capacity() {
            return false;
        }
        buf.push(b);
        true
    }

    #[inline]
    fn byte_name(&mut self, b: u8, attr: bool) -> bool {
        let (buf, st, base) = if attr {
            (
                &mut self.scratch,
                &mut self.attr_name,
                self.attr_start as usize,
            )
        } else {
            (&mut self.tag, &mut self.tag_name, 0)
        };
        if NAME_ASCII[usize::from(b)] {
            if (st.after_colon && !(b.is_ascii_alphabetic() || b == b'_'))
                || buf.len() - base >= self.limits.max_name_bytes
                || buf.len() == buf.capacity()
            {
                return false;
            }
            st.after_colon = false;
            buf.push(b);
            return true;
        }
        if st.after_colon {
            return false;
        }
        match (attr, b) {
            (false, b' ' | b'\t' | b'\n') => self.state = State::InTag,
            (true, b'=') => self.state = State::AttrQuote,
            (true, b' ' | b'\t' | b'\n') => self.state = State::AttrEq,
            _ => return false,
        }
        true
    }

    #[inline]
    fn byte_end(&mut self, b: u8, k: u32) -> bool {
        let Some(top) = self.open.last() else {
            return false;
        };
        if k == top.qname_len {
            // `open` is not empty, so `finish_end` cannot fail.
            return b == b'>' && self.finish_end().is_ok();
        }
        let at = (top.qname_start + k) as usize;
        if self.qnames.get(at) != Some(&b) {
            return false;
        }
        self.state = State::EndName(k + 1);
        true
    }

    #[inline]
    fn byte_tag(&mut self, b: u8) -> bool {
        if b == b' ' || b == b'\t' || b == b'\n' {
            self.state = State::InTag;
            return true;
        }
        if matches!(self.state, State::InTag)
            && (b.is_ascii_alphabetic() || b == b'_')
            && self.attrs.len() < self.limits.max_attributes
            && self.limits.max_name_bytes > 0
            && self.scratch.len() < self.scratch.capacity()
        {
            self.attr_start = self.scratch.len() as u32;
            self.attr_name = NameState::default();
            self.scratch.push(b);
            self.state = State::AttrName;
            return true;
        }
        false
    }
}
