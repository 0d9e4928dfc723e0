//! `petadota validate STACK`

use super::Outcome;
use crate::cli::StackArgs;
use crate::stack::Stack;

/// Parses and validates the stack; the error lists every problem.
pub fn validate(args: &StackArgs) -> anyhow::Result<Outcome> {
    let stack = Stack::load(&args.stack)?;
    println!(
        "{}: stack `{}` is valid ({} Kafka broker(s), {} worker(s), {} bucket(s))",
        args.stack.display(),
        stack.name,
        stack.kafka.brokers,
        stack.workers.count,
        stack.buckets.len()
    );
    Ok(Outcome::Clean)
}
