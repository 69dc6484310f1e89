//! SCRAM-SHA-256 exchanges beside the `sasl` crate 0.5 (xmpp-rs), and PBKDF2 beside
//! `ring`, in the same run. Short by default (`cargo bench -p xmpp-sasl`); the ratios are
//! printed at the end.
#![allow(missing_docs)]
#![allow(clippy::disallowed_methods)] // benches read the clock

use std::hint::black_box;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use sasl::client::Mechanism as _;
use sasl::server::Mechanism as _;
use xmpp_sasl::scram::{MemoryCache, ScramClient, ScramServer};
use xmpp_sasl::{
    ClientMechanism, Mechanism, MemoryStore, PasswordPrep, ScramHash, SeededNonceSource,
    ServerMechanism, ServerStep, StoredCredentials,
};

const USER: &str = "user";
const PASSWORD: &str = "pencil";
const SALT: &[u8] = b"0123456789abcdef";
const ITERATIONS: u32 = 4096;

fn store() -> MemoryStore {
    let mut s = MemoryStore::new();
    s.insert(
        USER,
        StoredCredentials::derive(USER, PASSWORD, PasswordPrep::None, SALT, ITERATIONS, &[])
            .unwrap(),
    );
    s
}

/// One of our exchanges; returns the time spent in the server.
fn ours(store: &MemoryStore, cache: Option<&mut MemoryCache>, seed: u64) -> Duration {
    let mut nonces = SeededNonceSource::new(seed);
    let client = ScramClient::new(Mechanism::ScramSha256, USER, PASSWORD, &mut nonces)
        .unwrap()
        .password_prep(PasswordPrep::None);
    let mut client: Box<dyn ClientMechanism> = match cache {
        Some(c) => Box::new(client.cache(c)),
        None => Box::new(client),
    };
    let mut server =
        ScramServer::new(Mechanism::ScramSha256, store, SeededNonceSource::new(!seed)).unwrap();
    let first = client.start().unwrap().unwrap();
    let t = Instant::now();
    let ServerStep::Challenge(sf) = server.start(Some(&first)).unwrap() else {
        panic!()
    };
    let mut in_server = t.elapsed();
    let fin = client.step(&sf).unwrap();
    let t = Instant::now();
    let ServerStep::Success {
        additional_data, ..
    } = server.step(&fin).unwrap()
    else {
        panic!()
    };
    in_server += t.elapsed();
    client.finish(additional_data.as_deref()).unwrap();
    in_server
}

struct Peer {
    salted: Vec<u8>,
}

impl sasl::server::Provider<sasl::secret::Pbkdf2Sha256> for Peer {
    fn provide(
        &self,
        identity: &sasl::common::Identity,
    ) -> Result<sasl::secret::Pbkdf2Sha256, sasl::server::ProviderError> {
        if identity != &sasl::common::Identity::Username(USER.into()) {
            return Err(sasl::server::ProviderError::AuthenticationFailed);
        }
        Ok(sasl::secret::Pbkdf2Sha256 {
            salt: SALT.to_vec(),
            iterations: ITERATIONS,
            digest: self.salted.clone(),
        })
    }
}

sasl::impl_validator_using_provider!(Peer, sasl::secret::Pbkdf2Sha256);

/// One exchange with the `sasl` crate; returns the time spent in the server. With
/// `presalted`, the client gets the salted password (the crate's equivalent of a cache;
/// see the note in `benches` on why it is not used).
#[allow(dead_code)]
fn peer(provider: &Peer, presalted: bool) -> Duration {
    use sasl::common::scram::Sha256;
    let password = if presalted {
        sasl::common::Password::Pbkdf2 {
            method: "SHA-256".into(),
            salt: SALT.to_vec(),
            iterations: ITERATIONS,
            data: provider.salted.clone(),
        }
    } else {
        sasl::common::Password::Plain(PASSWORD.into())
    };
    let mut client = sasl::client::mechanisms::Scram::<Sha256>::new(
        USER,
        password,
        sasl::common::ChannelBinding::Unsupported,
    )
    .unwrap();
    let mut server = sasl::server::mechanisms::Scram::<Sha256, _>::new(
        provider,
        sasl::common::ChannelBinding::Unsupported,
    );
    let first = client.initial();
    let t = Instant::now();
    let sasl::server::Response::Proceed(sf) = server.respond(&first).unwrap() else {
        panic!()
    };
    let mut in_server = t.elapsed();
    let fin = client.response(&sf).unwrap();
    let t = Instant::now();
    let sasl::server::Response::Success(_, data) = server.respond(&fin).unwrap() else {
        panic!()
    };
    in_server += t.elapsed();
    client.success(&data).unwrap();
    in_server
}

impl sasl::server::Provider<sasl::secret::Pbkdf2Sha256> for &Peer {
    fn provide(
        &self,
        identity: &sasl::common::Identity,
    ) -> Result<sasl::secret::Pbkdf2Sha256, sasl::server::ProviderError> {
        (*self).provide(identity)
    }
}

sasl::impl_validator_using_provider!(&Peer, sasl::secret::Pbkdf2Sha256);

fn peer_provider() -> Peer {
    let salted = xmpp_sasl::scram::keys::salted_password(
        ScramHash::Sha256,
        PASSWORD.as_bytes(),
        SALT,
        ITERATIONS,
    );
    Peer {
        salted: salted.as_bytes().to_vec(),
    }
}

fn ring_pbkdf2() -> [u8; 32] {
    let mut out = [0u8; 32];
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        NonZeroU32::new(ITERATIONS).unwrap(),
        SALT,
        PASSWORD.as_bytes(),
        &mut out,
    );
    out
}

fn benches(c: &mut Criterion) {
    let store = store();
    let provider = peer_provider();
    let mut g = c.benchmark_group("scram-sha-256 exchange (client + server)");
    g.bench_function("xmpp-sasl, no cache", |b| b.iter(|| ours(&store, None, 1)));
    let mut cache = MemoryCache::default();
    ours(&store, Some(&mut cache), 1);
    g.bench_function("xmpp-sasl, salted-password cache", |b| {
        b.iter(|| ours(&store, Some(&mut cache), 1))
    });
    g.bench_function("sasl 0.5, plain password", |b| {
        b.iter(|| peer(&provider, false))
    });
    g.finish();

    let mut g = c.benchmark_group("scram-sha-256 server side only");
    g.bench_function("xmpp-sasl (stored keys)", |b| {
        b.iter_custom(|n| (0..n).map(|i| ours(&store, Some(&mut cache), i)).sum())
    });
    g.bench_function("sasl 0.5 (salted password)", |b| {
        // sasl 0.5.2 rejects a pre-salted client password whose salt and iteration
        // count match (inverted checks in `ScramProvider::derive`), so its client runs
        // PBKDF2 here; only the server's time is counted.
        b.iter_custom(|n| (0..n).map(|_| peer(&provider, false)).sum())
    });
    g.finish();

    let mut g = c.benchmark_group("pbkdf2-hmac-sha256, 4096 iterations");
    g.bench_function("xmpp-sasl (RustCrypto pbkdf2)", |b| {
        b.iter(|| {
            xmpp_sasl::scram::keys::salted_password(
                ScramHash::Sha256,
                black_box(PASSWORD.as_bytes()),
                SALT,
                ITERATIONS,
            )
        })
    });
    g.bench_function("ring", |b| b.iter(|| black_box(ring_pbkdf2())));
    g.finish();
}

/// Median of `n` timings of `f` (a quick second opinion for the ratio lines).
fn median(n: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut v: Vec<Duration> = (0..n).map(|_| f()).collect();
    v.sort();
    v[n / 2]
}

fn ratios() {
    let store = store();
    let provider = peer_provider();
    let mut cache = MemoryCache::default();
    let ours_server = median(301, || ours(&store, Some(&mut cache), 3));
    let peer_server = median(301, || peer(&provider, false));
    let timed = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let ours_pbkdf2 = median(31, || {
        timed(&mut || {
            black_box(xmpp_sasl::scram::keys::salted_password(
                ScramHash::Sha256,
                PASSWORD.as_bytes(),
                SALT,
                ITERATIONS,
            ));
        })
    });
    let ring = median(31, || {
        timed(&mut || {
            black_box(ring_pbkdf2());
        })
    });
    println!(
        "ratio server verification: sasl 0.5 / xmpp-sasl = {:.2} (goal >= 2.0): {:?} vs {:?}",
        peer_server.as_secs_f64() / ours_server.as_secs_f64(),
        peer_server,
        ours_server
    );
    println!(
        "ratio pbkdf2: xmpp-sasl / ring = {:.2} (goal <= 1.3): {:?} vs {:?}",
        ours_pbkdf2.as_secs_f64() / ring.as_secs_f64(),
        ours_pbkdf2,
        ring
    );
}

criterion_group! {
    name = short;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    targets = benches
}

fn main() {
    short();
    ratios();
    Criterion::default().final_summary();
}
