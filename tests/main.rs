//! The one integration-test binary: rendered output, invalid stacks, escaping, and the CLI end
//! to end.

mod ansible_out;
mod apply;
mod cli;
mod escaping;
mod invalid_stacks;
mod rendered;
mod support;
