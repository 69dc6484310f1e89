//! Random interleavings of inputs (valid and garbage), timeouts, sends, closes and
//! polls: never a panic, never a byte after close, `Closed` is the last event.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use xmpp_core::deps::xmpp_tls::Role as TlsRole;
use xmpp_core::testing::NullTlsEngine;
use xmpp_core::{
    ClientTls, Connection, DefinedCondition, Event, Jid, Mechanism, Message, ServerTls, Stanza,
    TlsMode,
};

use crate::harness::*;

#[derive(Debug, Clone)]
enum Op {
    Pump,
    ToClient(Vec<u8>),
    ToServer(Vec<u8>),
    Advance(u16),
    ClientSend,
    ServerSend,
    ClientClose,
    ServerClose,
    ClientEof,
    ServerEof,
    Bind(bool),
}

const SNIPPETS: &[&str] = &[
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>",
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='x' version='1.0'>",
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
    "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
    "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>",
    "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
    "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>",
    "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>",
    "<iq type='result' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>juliet@example.com/r</jid></bind></iq>",
    "<message to='romeo@example.net'><body>hi</body></message>",
    "<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>",
    "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    "</stream:stream>",
    " ",
    "<",
    "&bogus;",
];

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::sample::select(SNIPPETS).prop_map(|s| s.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => Just(Op::Pump),
        2 => bytes().prop_map(Op::ToClient),
        2 => bytes().prop_map(Op::ToServer),
        2 => (0u16..120).prop_map(Op::Advance),
        1 => Just(Op::ClientSend),
        1 => Just(Op::ServerSend),
        1 => Just(Op::ClientClose),
        1 => Just(Op::ServerClose),
        1 => Just(Op::ClientEof),
        1 => Just(Op::ServerEof),
        1 => any::<bool>().prop_map(Op::Bind),
    ]
}

/// One side plus what the test knows about it.
struct Watched {
    conn: Connection,
    saw_closed: bool,
    drained_after_close: bool,
    bind_pending: bool,
    ever_online: bool,
}

impl Watched {
    fn new(conn: Connection) -> Self {
        Watched {
            conn,
            saw_closed: false,
            drained_after_close: false,
            bind_pending: false,
            ever_online: false,
        }
    }

    fn transmit(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let n = self.conn.poll_transmit(&mut out);
        assert_eq!(n, out.len());
        if self.drained_after_close {
            assert!(
                out.is_empty(),
                "bytes after close: {:?}",
                String::from_utf8_lossy(&out)
            );
        }
        if self.conn.is_closed() {
            self.drained_after_close = true;
        }
        out
    }

    fn events(&mut self) {
        while let Some(e) = self.conn.poll_event() {
            assert!(!self.saw_closed, "event after Closed: {e:?}");
            match e {
                Event::Closed(_) => {
                    self.saw_closed = true;
                    assert!(self.conn.is_closed());
                }
                Event::BindRequested { .. } => self.bind_pending = true,
                _ => {}
            }
        }
        self.ever_online |= self.conn.is_online();
        if self.conn.is_closed() {
            assert!(!self.conn.is_online());
            assert_eq!(self.conn.poll_timeout(), None);
        }
    }
}

fn configs() -> (xmpp_core::ClientConfig, xmpp_core::ServerConfig) {
    let c = client_config(PASSWORD, 7)
        .mechanisms(vec![Mechanism::Plain])
        .tls(ClientTls::Engine {
            engine: Box::new(NullTlsEngine::new(TlsRole::Client)),
            mode: TlsMode::StartTls { required: true },
        });
    let s = xmpp_core::ServerConfig::new([DOMAIN], fast_store())
        .random(Box::new(xmpp_core::SeededNonceSource::new(8)))
        .tls(ServerTls::Engine {
            engine: Box::new(NullTlsEngine::new(TlsRole::Server)),
            mode: TlsMode::StartTls { required: true },
        });
    (c, s)
}

fn run(ops: &[Op]) -> bool {
    let mut now = Instant::now();
    let (c, s) = configs();
    let mut client = Watched::new(Connection::client(c, now));
    let mut server = Watched::new(Connection::server(s, now));
    let msg = |to: &str| Stanza::Message(Message::chat(Jid::new(to).unwrap(), "x"));
    for op in ops {
        match op {
            Op::Pump => {
                let b = client.transmit();
                server.conn.handle_input(now, &b);
                server.events();
                let b = server.transmit();
                client.conn.handle_input(now, &b);
            }
            Op::ToClient(b) => client.conn.handle_input(now, b),
            Op::ToServer(b) => server.conn.handle_input(now, b),
            Op::Advance(s) => {
                now += Duration::from_secs(u64::from(*s));
                client.conn.handle_timeout(now);
                server.conn.handle_timeout(now);
            }
            Op::ClientSend => {
                let online = client.conn.is_online();
                assert_eq!(
                    client.conn.send(now, msg("romeo@example.net")).is_ok(),
                    online
                );
            }
            Op::ServerSend => {
                let _ = server.conn.send(now, msg("juliet@example.com/r"));
            }
            Op::ClientClose => client.conn.close(now),
            Op::ServerClose => server.conn.close(now),
            Op::ClientEof => client.conn.handle_eof(now),
            Op::ServerEof => server.conn.handle_eof(now),
            Op::Bind(accept) => {
                let r = if *accept {
                    server.conn.accept_bind(now, "r")
                } else {
                    server.conn.refuse_bind(now, DefinedCondition::Conflict)
                };
                // A pending bind can be answered while the stream is open; once it is
                // closing (after close() our close tag is out) nothing more is written.
                if server.bind_pending && server.conn.is_open() {
                    assert!(r.is_ok());
                    server.bind_pending = false;
                } else {
                    assert!(r.is_err());
                }
            }
        }
        client.events();
        server.events();
    }
    client.transmit();
    server.transmit();
    client.transmit();
    server.transmit();
    client.ever_online && server.ever_online
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_interleaving_is_safe(ops in prop::collection::vec(op(), 0..80)) {
        run(&ops);
    }

    #[test]
    fn any_interleaving_after_login_is_safe(ops in prop::collection::vec(op(), 0..60)) {
        let mut all = login_prefix();
        all.extend(ops);
        run(&all);
    }
}

fn login_prefix() -> Vec<Op> {
    let mut ops = vec![Op::Pump; 8];
    ops.extend([Op::Bind(true), Op::Pump, Op::Pump]);
    ops
}

#[test]
fn a_quiet_login_then_chaos_interleaving() {
    // A fixed sequence that logs in first, so the random part starts online.
    let mut ops = login_prefix();
    ops.extend([
        Op::ClientSend,
        Op::Pump,
        Op::ServerClose,
        Op::ClientSend,
        Op::Pump,
        Op::Pump,
    ]);
    assert!(run(&ops));
}

/// Found by `any_interleaving_is_safe`: the server closes its stream while a bind is
/// pending; answering it then is refused (the close tag is out), although the
/// connection is not closed yet.
#[test]
fn bind_answer_after_our_close_is_refused() {
    run(&[
        Op::Pump,
        Op::Pump,
        Op::Pump,
        Op::Pump,
        Op::Pump,
        Op::ServerClose,
        Op::ServerClose,
        Op::Pump,
        Op::Bind(false),
    ]);
}
