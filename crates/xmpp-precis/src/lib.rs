//! PRECIS (RFC 8264) string preparation. Work in progress.
#![no_std]
