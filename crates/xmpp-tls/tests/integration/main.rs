//! Both roles against each other in memory: STARTTLS, direct TLS, channel binding,
//! backpressure. Every scenario also runs one byte at a time.

mod harness;

mod channel_binding;
mod direct;
mod engine;
mod props;
mod starttls;
