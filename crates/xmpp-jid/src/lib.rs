//! XMPP addresses (RFC 7622). Work in progress.
#![no_std]
