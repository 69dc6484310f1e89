//! The exchange rules shared by the mechanisms whose client sends a single message
//! (ANONYMOUS, EXTERNAL, PLAIN): the message travels as the initial response or after
//! one empty challenge, and the server then answers with success or failure only. Each
//! mechanism keeps its own `sent`/`failed` or `started`/`done` flags; these functions
//! are the one place that decides what those flags allow.

use alloc::vec::Vec;

use crate::error::Error;
use crate::mechanism::ServerStep;

/// The client's `finish`: success is valid only once the message went out without
/// failing, and carries no additional data; anything else ends the exchange.
pub(crate) fn client_finish(
    sent: bool,
    failed: &mut bool,
    additional_data: Option<&[u8]>,
) -> Result<(), Error> {
    match (sent && !*failed, additional_data) {
        (true, None) => Ok(()),
        _ => {
            *failed = true;
            Err(Error::unexpected())
        }
    }
}

/// The server's `start` guard: the exchange starts once.
pub(crate) fn server_start(started: &mut bool) -> Result<(), Error> {
    if *started {
        return Err(Error::unexpected());
    }
    *started = true;
    Ok(())
}

/// The server's first answer: the initial response goes to `verify`; without one, an
/// empty challenge asks the client for its message.
pub(crate) fn server_answer(
    initial_response: Option<&[u8]>,
    verify: impl FnOnce(&[u8]) -> Result<ServerStep, Error>,
) -> Result<ServerStep, Error> {
    match initial_response {
        Some(msg) => verify(msg),
        None => Ok(ServerStep::Challenge(Vec::new())),
    }
}

/// The server's `step` guard: one response, and only after the empty challenge.
pub(crate) fn server_step(started: bool, done: bool) -> Result<(), Error> {
    if done || !started {
        return Err(Error::unexpected());
    }
    Ok(())
}
