//! `apply` and `destroy`: the only parts of petadota that change the world.

pub mod lock;
pub mod staging;
pub mod tools;
pub mod write;
