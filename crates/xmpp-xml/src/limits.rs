//! Resource limits on everything a peer controls
//! ([RFC 6120 §13.12](https://www.rfc-editor.org/rfc/rfc6120#section-13.12)).

/// Limits on what a peer may make the framer hold. Exceeding any of them is a
/// [`Condition::PolicyViolation`](crate::Condition::PolicyViolation)
/// ([RFC 6120 §4.9.3.14](https://www.rfc-editor.org/rfc/rfc6120#section-4.9.3.14)).
///
/// Start from [`Limits::default()`] (after authentication) or [`Limits::pre_auth()`] (before
/// it) and adjust fields. The memory a [`Framer`](crate::Framer) holds is at most
/// `max_element_bytes + input_buffer` plus about 2 KiB, whatever the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// Bytes of one top-level element (a stanza or nonza) from its `<` to the `>` of its end
    /// tag; also applies to the stream header. The memory held while building the element
    /// (its tree and the parser's bookkeeping, by capacity) is charged against this limit
    /// too, with 2 KiB of slack, so an element of many tiny children is cut before its
    /// byte count reaches the limit.
    pub max_element_bytes: usize,
    /// Nesting depth inside a top-level element (the top-level element itself is depth 1).
    pub max_depth: usize,
    /// Attributes per element, namespace declarations included.
    pub max_attributes: usize,
    /// Child elements of one element (the stream element itself is not limited).
    pub max_children: usize,
    /// Bytes of character data directly inside one element.
    pub max_text_bytes: usize,
    /// Bytes of one qualified element or attribute name.
    pub max_name_bytes: usize,
    /// Namespace declarations in scope at any point (stream header included).
    pub max_namespace_decls: usize,
    /// Bytes accepted by [`Framer::feed`](crate::Framer::feed) that are not parsed yet.
    /// `feed` consumes less than offered when this is full; draining
    /// [`Framer::poll`](crate::Framer::poll) empties it.
    pub input_buffer: usize,
}

impl Limits {
    /// Limits for an authenticated stream: 256 KiB per top-level element (as Prosody and
    /// ejabberd), depth 64, 256 attributes, 8192 children, 256 KiB of text, 1024-byte
    /// names, 64 namespace declarations, 64 KiB of input buffer.
    #[must_use]
    pub const fn new() -> Self {
        Limits {
            max_element_bytes: 256 * 1024,
            max_depth: 64,
            max_attributes: 256,
            max_children: 8192,
            max_text_bytes: 256 * 1024,
            max_name_bytes: 1024,
            max_namespace_decls: 64,
            input_buffer: 64 * 1024,
        }
    }

    /// Much tighter limits for before authentication, when only stream negotiation
    /// (features, STARTTLS, SASL) is legitimate: 16 KiB per top-level element, depth 16,
    /// 32 attributes, 32 children, 16 KiB of text, 256-byte names, 16 namespace
    /// declarations, 16 KiB of input buffer.
    #[must_use]
    pub const fn pre_auth() -> Self {
        Limits {
            max_element_bytes: 16 * 1024,
            max_depth: 16,
            max_attributes: 32,
            max_children: 32,
            max_text_bytes: 16 * 1024,
            max_name_bytes: 256,
            max_namespace_decls: 16,
            input_buffer: 16 * 1024,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new()
    }
}
