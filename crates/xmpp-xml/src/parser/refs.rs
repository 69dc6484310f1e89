//! Entity and character references: only the five predefined entities
//! ([RFC 6120 §11.1](https://www.rfc-editor.org/rfc/rfc6120#section-11.1)) and character
//! references to XML `Char`s.

use super::{Parser, RefKind, RefState, State};
use crate::chars::{is_char, is_ncname_char, is_ncname_start};
use crate::error::{Condition, Error};

use Condition::{NotWellFormed, RestrictedXml};

impl Parser {
    pub(super) fn start_ref(&mut self, q: u8) {
        self.reference = RefState {
            kind: RefKind::Start,
            name: [0; 4],
            name_len: 0,
            value: 0,
        };
        self.state = State::Ref(q);
    }
    pub(super) fn ref_char(&mut self, q: u8, c: u32) -> Result<(), Error> {
        let r = &mut self.reference;
        let digit = char::from_u32(c).and_then(|ch| ch.to_digit(10));
        let hex = char::from_u32(c).and_then(|ch| ch.to_digit(16));
        let semi = c == u32::from(b';');
        match r.kind {
            RefKind::Start => {
                if c == u32::from(b'#') {
                    r.kind = RefKind::Hash;
                } else if is_ncname_start(c) {
                    r.kind = RefKind::Name;
                    r.name[0] = c.min(0x7F) as u8;
                    r.name_len = 1;
                } else {
                    return Err(self.e(NotWellFormed, "'&' not starting a reference"));
                }
            }
            RefKind::Hash => {
                if c == u32::from(b'x') {
                    r.kind = RefKind::HexStart;
                } else if let Some(d) = digit {
                    r.kind = RefKind::Dec;
                    r.value = d;
                } else {
                    return Err(self.e(NotWellFormed, "malformed character reference"));
                }
            }
            RefKind::HexStart | RefKind::Hex => {
                if let Some(d) = hex {
                    r.kind = RefKind::Hex;
                    r.value = r.value.saturating_mul(16).saturating_add(d).min(0x11_0000);
                } else if semi && r.kind == RefKind::Hex {
                    let v = r.value;
                    return self.ref_done(q, v);
                } else {
                    return Err(self.e(NotWellFormed, "malformed character reference"));
                }
            }
            RefKind::Dec => {
                if let Some(d) = digit {
                    r.value = r.value.saturating_mul(10).saturating_add(d).min(0x11_0000);
                } else if semi {
                    let v = r.value;
                    return self.ref_done(q, v);
                } else {
                    return Err(self.e(NotWellFormed, "malformed character reference"));
                }
            }
            RefKind::Name => {
                if semi {
                    let name = &r.name[..usize::from(r.name_len.min(4))];
                    let v = match (name, r.name_len) {
                        (b"lt", 2) => b'<',
                        (b"gt", 2) => b'>',
                        (b"amp", 3) => b'&',
                        (b"apos", 4) => b'\'',
                        (b"quot", 4) => b'"',
                        _ => {
                            return Err(self.e(
                                RestrictedXml,
                                "entity reference other than the five predefined ones",
                            ));
                        }
                    };
                    return self.ref_done(q, u32::from(v));
                } else if is_ncname_char(c) || c == u32::from(b':') {
                    if (r.name_len as usize) < r.name.len() {
                        r.name[r.name_len as usize] = c.min(0x7F) as u8;
                    }
                    r.name_len = r.name_len.saturating_add(1);
                } else {
                    return Err(self.e(NotWellFormed, "malformed entity reference"));
                }
            }
        }
        Ok(())
    }
    pub(super) fn ref_done(&mut self, q: u8, v: u32) -> Result<(), Error> {
        if !is_char(v) {
            return Err(self.e(NotWellFormed, "character reference to a non-XML character"));
        }
        let len = char::from_u32(v).map_or(1, |c| c.len_utf8() as u8);
        if q == 0 {
            self.state = State::Content;
            self.text_char(v, len)
        } else {
            self.state = State::AttrValue(q);
            self.push_value(v)
        }
    }
}
