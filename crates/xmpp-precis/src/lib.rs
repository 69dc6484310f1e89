#![doc = include_str!("../README.md")]
#![no_std]

extern crate alloc;

mod bidi;
mod class;
mod context;
mod derived;
mod error;
pub mod idna2008;
mod mapping;
mod profile;
mod tables;

pub use bidi::{BidiClass, bidi_class, is_rtl};
pub use class::StringClass;
pub use context::ContextRule;
pub use derived::{
    Category, DerivedProperty, code_point_property_reason, derived_property,
    derived_property_reason,
};
pub use error::Error;
pub use profile::{CaseMapping, Profile};

/// The Unicode version of the tables: `(15, 0, 0)`.
pub const UNICODE_VERSION: (u8, u8, u8) = tables::UNICODE_VERSION;
