//! The stable textual form of events used by `CE:`/`SE:` lines.

use xmpp_core::{CloseReason, Event, NegotiationFailure};

use crate::xml;

/// Renders an event. Stanzas render as `Stanza ` plus their canonical XML; a stream
/// error's text is appended as ` text=...` only when present.
pub fn render(e: &Event) -> String {
    match e {
        Event::TlsEstablished { version } => format!("TlsEstablished {version:?}"),
        Event::Authenticated {
            mechanism,
            channel_binding,
            jid,
        } => match channel_binding {
            Some(cb) => format!("Authenticated {mechanism} {jid} cb={}", cb.as_str()),
            None => format!("Authenticated {mechanism} {jid}"),
        },
        Event::AuthFailed {
            mechanism,
            username,
            condition,
        } => format!(
            "AuthFailed {} mechanism={} username={}",
            condition.as_str(),
            mechanism.as_deref().unwrap_or("-"),
            username.as_deref().unwrap_or("-")
        ),
        Event::BindRequested {
            jid,
            requested,
            suggested,
        } => format!(
            "BindRequested {jid} requested={} suggested={suggested}",
            requested.as_deref().unwrap_or("-")
        ),
        Event::Online { jid } => format!("Online {jid}"),
        Event::Stanza(s) => {
            let mut buf = Vec::new();
            s.write_to(
                &mut buf,
                Some(xmpp_core::deps::xmpp_stanza::ContentNs::Client),
            );
            match xml::render_stanza_bytes(&buf) {
                Ok(r) => format!("Stanza {r}"),
                Err(err) => format!("Stanza <unrenderable: {err}>"),
            }
        }
        Event::SeeOtherHost { host, port } => match port {
            Some(p) => format!("SeeOtherHost {host} {p}"),
            None => format!("SeeOtherHost {host}"),
        },
        Event::Closed(r) => format!("Closed {}", render_reason(r)),
        other => format!("{other:?}"),
    }
}

fn render_reason(r: &CloseReason) -> String {
    match r {
        CloseReason::Graceful => "Graceful".into(),
        CloseReason::StreamError {
            condition,
            text,
            by_peer,
        } => {
            let by = if *by_peer { "peer" } else { "local" };
            let mut s = format!("StreamError {} by={by}", condition.as_str());
            if let Some(t) = text {
                s.push_str(&format!(" text={t:?}"));
            }
            s
        }
        CloseReason::Eof => "Eof".into(),
        CloseReason::Timeout(k) => format!("Timeout {k:?}"),
        CloseReason::Tls(t) => format!("Tls text={t:?}"),
        CloseReason::AuthFailed { condition, by_peer } => {
            let by = if *by_peer { "peer" } else { "local" };
            format!("AuthFailed {} by={by}", condition.as_str())
        }
        CloseReason::BindFailed { condition } => format!("BindFailed {}", condition.as_str()),
        CloseReason::Negotiation(n) => match n {
            NegotiationFailure::Unexpected(t) => format!("Negotiation Unexpected text={t:?}"),
            other => format!("Negotiation {other:?}"),
        },
        CloseReason::Aborted => "Aborted".into(),
        other => format!("{other:?}"),
    }
}

/// Whether the rendered event `actual` matches the transcript's `expected`. A
/// `Stanza` line is compared at the XML level; a ` text=...` suffix on the actual event
/// may be left out of the transcript (the condition is what the protocol fixes).
pub fn matches(expected: &str, actual: &Event) -> Result<(), String> {
    let rendered = render(actual);
    if let Some(x) = expected.strip_prefix("Stanza ") {
        let frames = xml::parse_frames(x)?;
        let [f] = frames.as_slice() else {
            return Err(format!("event line is not one stanza: {expected}"));
        };
        let want = format!("Stanza {}", xml::render_frame(f, None));
        return if want == rendered {
            Ok(())
        } else {
            Err(format!(
                "event mismatch\n  expected: {want}\n  actual:   {rendered}"
            ))
        };
    }
    if rendered == expected {
        return Ok(());
    }
    if !expected.contains(" text=")
        && let Some((head, _)) = rendered.split_once(" text=")
        && head == expected
    {
        return Ok(());
    }
    Err(format!(
        "event mismatch\n  expected: {expected}\n  actual:   {rendered}"
    ))
}
