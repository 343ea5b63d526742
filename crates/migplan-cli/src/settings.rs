//! The request's settings on the command line: one argument group, built from the core's
//! settings table (flag, default, what it accepts), flattened into every command that takes
//! settings, each command taking the table's rows it uses. The flags are kept as written and
//! read by `Request::read`, so the command line refuses a value with the words the page and
//! the JS API use.

use std::marker::PhantomData;

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use migplan_core::workflow::request::Asked;
use migplan_core::workflow::settings::{price, Accepts, Key, Path};
use migplan_core::workflow::Request;

use crate::args::{each_once, Failure};

/// The settings a command takes.
pub trait Takes {
    const KEYS: &'static [Key];
}

macro_rules! takes {
    ($($(#[$doc:meta])* $name:ident: [$($key:ident),*];)*) => {
        $($(#[$doc])* pub struct $name; impl Takes for $name { const KEYS: &'static [Key] = &[$(Key::$key),*]; })*
    };
}

takes! {
    /// `plan`: everything a plan and its export take.
    Planning: [Gpu, Solver, TimeLimit, Seed, Latency, Headroom, HeadroomFor, NodeCost, GpusPerNode, NodeNames, Image];
    /// `validate`: the fleet and how its profiles are read.
    Validating: [Gpu, Latency];
    /// `compare`: each type and the mix, planned exactly.
    Comparing: [Gpu, Latency, TimeLimit, Seed];
    /// `sweep`: as `compare`, for every multiplier.
    Sweeping: [Gpu, Latency, TimeLimit, Seed, From, To, Steps];
    /// `transition`: the fleet, the replan's budget, the move's GPUs and its deploy config.
    Moving: [Gpu, Latency, TimeLimit, Seed, Spare, ExtraGpus, GpusPerNode, NodeNames, Image];
    /// `export`: how the plan's GPUs sit in nodes and what the manifests run.
    Deploying: [GpusPerNode, NodeNames, Image];
    /// `bench-fleet`: the fleet only (the bench has its own time limit).
    FleetOnly: [Gpu];
    /// `bench-sweep`: a sweep of generated models.
    BenchSweeping: [Gpu, TimeLimit, Seed, From, To, Steps];
}

/// The settings of a command as written, flag by flag; `--cost` beside `--gpu`.
pub struct Settings<T> {
    written: Vec<(Key, Vec<String>)>,
    costs: Vec<String>,
    takes: PhantomData<T>,
}

impl<T: Takes> Settings<T> {
    /// The values written for `key`, in order.
    pub fn written(&self, key: Key) -> &[String] {
        self.written.iter().find(|(k, _)| *k == key).map_or(&[], |(_, v)| v.as_slice())
    }

    pub fn given(&self, key: Key) -> bool {
        !self.written(key).is_empty()
    }

    /// The request, every setting read through the table, named by its flag.
    pub fn request(&self) -> Result<Request, Failure> {
        Ok(Request::read(&self.asked()?, Path::Cli)?)
    }

    /// The settings as the table reads them: a repeatable flag's values as one list (a value
    /// given twice is the table's to refuse, as on every path), each `--gpu` with its `--cost`.
    fn asked(&self) -> Result<Asked, Failure> {
        let mut asked = Asked::new();
        for (key, values) in &self.written {
            let text = match key {
                Key::Gpu => self.priced_fleet()?,
                _ => values.join(","),
            };
            asked.insert(*key, text);
        }
        Ok(asked)
    }

    /// `--gpu` as the table's list, `a100-40gb=1,h100-80gb=2.2`: each type with the price
    /// `--cost` gives it. `--cost` is the command line's own flag, so its problems name it.
    fn priced_fleet(&self) -> Result<String, Failure> {
        let ids: Vec<&str> = self.written(Key::Gpu).iter().map(|g| g.trim()).collect();
        let hint = "write --cost GPU=PRICE, e.g. --cost h100-80gb=2.2";
        let mut prices: Vec<(&str, &str)> = Vec::new();
        for written in &self.costs {
            let Some((id, p)) = written.split_once('=') else {
                return Err(Failure(format!("--cost `{written}` has no `=`\n  hint: {hint}")));
            };
            prices.push((id.trim(), p.trim()));
        }
        each_once("--cost", prices.iter().map(|(id, _)| *id), "GPU type's cost")?;
        for (id, p) in &prices {
            if !ids.contains(id) {
                return Err(Failure(format!(
                    "--cost names {id}, which no --gpu gives\n  hint: add --gpu {id} or drop the cost"
                )));
            }
            price(p).map_err(|r| Failure(format!("--cost `{id}={p}`: {}\n  hint: {}", r.message, r.hint)))?;
        }
        let priced: Vec<String> = ids
            .iter()
            .map(|id| match prices.iter().find(|(p, _)| p == id) {
                Some((_, p)) => format!("{id}={p}"),
                None => id.to_string(),
            })
            .collect();
        Ok(priced.join(","))
    }
}

/// What `--help` says of a setting; its default comes from the table.
fn help(key: Key) -> &'static str {
    match key {
        Key::Gpu => "The GPU type; give several for a mixed fleet (the first is the plan's `gpu`)",
        Key::Solver => "The solver",
        Key::TimeLimit => "Stop searching after this many seconds and return the best plan found (for each plan)",
        Key::Seed => "The seed: the same inputs and seed give the same plan",
        Key::Latency => "The latency percentile the SLO applies to, where a profiles file has several",
        Key::Headroom => "Plan for every rate raised by this percent; the plan without it is reported beside",
        Key::HeadroomFor => "A model's own headroom, as MODEL=PERCENT; may be given several times",
        Key::NodeCost => {
            "What a node costs: each type's GPUs fill nodes of --gpus-per-node, and the nodes count in the cost \
             the plan minimises"
        }
        Key::GpusPerNode => "GPUs per node; nodes with the same layouts share one mig-parted config",
        Key::NodeNames => "Node names, comma-separated, one per node in order (default node-1, node-2, ..)",
        Key::Image => "Container image for the Deployments; `{model}` becomes the model's name",
        Key::Spare => "Spare GPUs that may be borrowed during the move",
        Key::ExtraGpus => {
            "With --workload-to: GPUs the new plan may use beyond the new demand's optimum, so that fewer running \
             GPUs are touched"
        }
        Key::From => "The smallest demand multiplier",
        Key::To => "The largest demand multiplier",
        Key::Steps => "How many multipliers, evenly spaced from --from to --to",
    }
}

/// The clap argument of `key`, from its row of the table.
fn arg(key: Key) -> Arg {
    let s = key.setting();
    let long = s.flag.trim_start_matches('-');
    let value_name = match key {
        Key::Gpu => "GPU",
        Key::Solver => "SOLVER",
        Key::TimeLimit => "SECONDS",
        Key::Latency => "PERCENTILE",
        Key::Headroom => "PERCENT",
        Key::HeadroomFor => "MODEL=PERCENT",
        Key::NodeCost => "PRICE",
        Key::NodeNames => "NAMES",
        Key::Image => "IMAGE",
        Key::From | Key::To => "FACTOR",
        Key::Seed | Key::GpusPerNode | Key::Spare | Key::ExtraGpus | Key::Steps => "N",
    };
    let repeatable = matches!(s.accepts, Accepts::Fleet | Accepts::PerModel(_) | Accepts::NodeNames);
    let numeric = matches!(s.accepts, Accepts::Number(_) | Accepts::Whole(..));
    let help = match (key, s.default) {
        // The command line asks for the GPU type: a plan's hardware is never assumed.
        (Key::Gpu, _) | (_, "") => help(key).to_string(),
        (_, default) => format!("{} [default: {default}]", help(key)),
    };
    Arg::new(s.option)
        .long(long)
        .value_name(value_name)
        .help(help)
        .required(key == Key::Gpu)
        .action(if repeatable { ArgAction::Append } else { ArgAction::Set })
        // A negative number reaches the table, which says why it is refused.
        .allow_hyphen_values(numeric)
}

impl<T: Takes> FromArgMatches for Settings<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut settings = Settings { written: Vec::new(), costs: Vec::new(), takes: PhantomData };
        settings.update_from_arg_matches(matches)?;
        Ok(settings)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for &key in T::KEYS {
            if let Some(values) = matches.get_many::<String>(key.setting().option) {
                self.written.retain(|(k, _)| *k != key);
                self.written.push((key, values.cloned().collect()));
            }
        }
        if T::KEYS.contains(&Key::Gpu) {
            self.costs = matches.get_many::<String>("cost").into_iter().flatten().cloned().collect();
        }
        Ok(())
    }
}

impl<T: Takes> Args for Settings<T> {
    fn augment_args(mut cmd: Command) -> Command {
        for &key in T::KEYS {
            cmd = cmd.arg(arg(key));
            if key == Key::Gpu {
                cmd =
                    cmd.arg(
                        Arg::new("cost").long("cost").value_name("GPU=PRICE").action(ArgAction::Append).help(
                            "What one GPU of a type costs, as GPU=PRICE (dollars per hour, say); 1 when not given",
                        ),
                    );
            }
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}
