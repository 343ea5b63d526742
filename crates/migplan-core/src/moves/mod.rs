//! Moving a running cluster from one plan to the next: planning the new demand so that the
//! move touches the fewest running GPUs ([`replan`], with its proven bound), matching GPUs
//! ([`matching`], with [`assignment`]), the exchange-and-compact steps ([`exchange`]) and
//! what each step leaves running ([`replay`]).

pub mod assignment;
pub mod demand;
pub mod exchange;
pub mod matching;
pub mod replan;
pub mod replay;
