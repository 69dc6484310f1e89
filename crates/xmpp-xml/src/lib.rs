#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod builder;
mod chars;
mod element;
mod error;
mod framer;
mod gather;
mod limits;
mod namespaces;
mod parser;
mod simd;
mod swar;
mod utf8;
mod writer;

pub use builder::Builder;
pub use element::{Attribute, Attrs, Children, Element, ElementRef, NodeRef, Nodes};
pub use error::{BuildError, Condition, Error};
pub use framer::{Frame, Framer, StreamHeader};
pub use limits::Limits;
pub use namespaces::{STREAM_NS, XML_NS, XMLNS_NS};
pub use writer::Writer;
