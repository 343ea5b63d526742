//! Moving a running cluster from one plan to the next: planning the new demand near the
//! running plan ([`near`]), matching GPUs ([`matching`], with [`assignment`]), the exchange-and-compact steps
//! ([`exchange`]) and what each step leaves running ([`replay`]).

pub mod assignment;
pub mod exchange;
pub mod matching;
pub mod near;
pub mod replay;
