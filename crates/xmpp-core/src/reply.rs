//! Stanza error replies for stanzas that could not be read
//! ([RFC 6120 §8.3.1](https://www.rfc-editor.org/rfc/rfc6120#section-8.3.1)).

use xmpp_stanza::{ContentNs, DefinedCondition, StanzaError};
use xmpp_xml::Element;

/// The error reply to the malformed stanza `e`: same name, namespace and `id`, type
/// `error`, addresses swapped (`to` = `sender` when the server knows the sender better
/// than the stanza says). `None` for an error stanza, which is never answered.
pub(crate) fn stanza_error_reply(
    e: &Element,
    condition: DefinedCondition,
    sender: Option<&str>,
) -> Option<Element> {
    if e.attr("type") == Some("error") {
        return None;
    }
    // An IQ result is not answered with an error either.
    if e.name() == "iq" && e.attr("type") == Some("result") {
        return None;
    }
    let ns = ContentNs::from_ns(e.ns())?;
    let mut b = Element::builder(e.ns(), e.name()).attr("type", "error");
    if let Some(id) = e.attr("id") {
        b = b.attr("id", id);
    }
    if let Some(to) = e.attr("to") {
        b = b.attr("from", to);
    }
    if let Some(to) = sender.or(e.attr("from")) {
        b = b.attr("to", to);
    }
    b.child(StanzaError::new(condition).to_element(ns))
        .build()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_and_no_reply() {
        let e = Element::parse(b"<iq xmlns='jabber:client' id='a' type='get' to='x@y'/>").unwrap();
        let r = stanza_error_reply(&e, DefinedCondition::BadRequest, Some("u@y/r")).unwrap();
        assert_eq!(r.attr("type"), Some("error"));
        assert_eq!(r.attr("id"), Some("a"));
        assert_eq!(r.attr("to"), Some("u@y/r"));
        assert_eq!(r.attr("from"), Some("x@y"));
        let e = Element::parse(b"<message xmlns='jabber:client' type='error'/>").unwrap();
        assert!(stanza_error_reply(&e, DefinedCondition::BadRequest, None).is_none());
    }
}
