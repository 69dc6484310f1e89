//! Conformance driver: reads an XML stream from stdin as it arrives, feeds it to a
//! [`Framer`] in pieces of `--chunk N` bytes (default 4096), and prints one JSON line per
//! frame: `{"open":{attributes}}`, `{"element":"<serialised>"}`, `{"close":true}`, or
//! `{"error":"<condition>","offset":N,"reason":"..."}` (and stops).
//!
//! ```text
//! cargo run -q -p xmpp-xml --example xml-frames -- [--chunk N] [--preauth]
//! ```
//!
//! Memory use is independent of the stream's length: one read buffer of N bytes plus
//! the framer's bounded state.

use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;

use serde_json::{Map, Value, json};
use xmpp_xml::{Frame, Framer, Limits, Writer, XML_NS};

fn main() -> ExitCode {
    let mut chunk = 4096usize;
    let mut limits = Limits::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--chunk" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => chunk = n,
                _ => return usage(),
            },
            "--preauth" => limits = Limits::pre_auth(),
            _ => return usage(),
        }
    }
    match run(chunk, limits) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xml-frames: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: xml-frames [--chunk N] [--preauth]");
    ExitCode::from(2)
}

fn run(chunk: usize, limits: Limits) -> io::Result<()> {
    let mut framer = Framer::new(limits);
    let writer = Writer::new();
    let mut stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut buf = vec![0u8; chunk];
    loop {
        let n = match stdin.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let mut piece = &buf[..n];
        while !piece.is_empty() {
            let taken = framer.feed(piece);
            piece = &piece[taken..];
            while let Some(frame) = framer.poll() {
                let line = match frame {
                    Ok(Frame::StreamOpen(h)) => {
                        let mut attrs = Map::new();
                        for a in h.attrs() {
                            let key = match a.ns {
                                "" => a.name.to_owned(),
                                XML_NS => format!("xml:{}", a.name),
                                ns => format!("{{{ns}}}{}", a.name),
                            };
                            attrs.insert(key, Value::from(a.value));
                        }
                        json!({ "open": attrs })
                    }
                    Ok(Frame::Element(e)) => {
                        let mut s = Vec::new();
                        writer.element(&mut s, &e);
                        json!({ "element": String::from_utf8_lossy(&s) })
                    }
                    Ok(Frame::StreamClose) => json!({ "close": true }),
                    Ok(_) => continue,
                    Err(e) => {
                        let line = json!({
                            "error": e.condition().as_str(),
                            "offset": e.offset(),
                            "reason": e.reason(),
                        });
                        writeln!(out, "{line}")?;
                        out.flush()?;
                        return Ok(());
                    }
                };
                writeln!(out, "{line}")?;
            }
            if framer.error().is_some() {
                return Ok(());
            }
        }
        out.flush()?;
    }
    out.flush()
}
