//! SASL mechanisms. Work in progress.
#![no_std]
