//! One request, whoever asks: the fleet, the solver's budget and seed, the headroom, the
//! nodes and their price, the export options, and what moves and sweeps take. The command
//! line, the page's worker and the JS API hand over what the user wrote ([`Asked`]); it is
//! read here through the settings table ([`super::settings`]), every problem named as the
//! asker names the setting, all of them at once.

use std::collections::BTreeMap;
use std::time::Duration;

use super::settings::{
    gpu_type, in_range, items, number, percentile, price, solver, whole, whole_refused, Accepts, Key, Path, Refused,
    MULTIPLIER, PERCENT, SETTINGS,
};
use crate::export::ExportOptions;
use crate::hardware::fleet::{Fleet, GpuType};
use crate::problem::fleet::NodePrice;
use crate::problem::import::Percentile;
use crate::problem::input::limits::{readable, PRICE, TIME_LIMIT_S};
use crate::problem::input::{InputError, InputErrors};
use crate::solve::control::Budget;
use crate::solve::registry::RunOptions;

/// The settings as the user wrote them, by key: a list setting (GPU types, node names,
/// per-model headroom) as one comma-separated text. What the page sends its worker.
pub type Asked = BTreeMap<Key, String>;

/// The most the dearest price of a request (GPU types and node) may be over the cheapest:
/// beyond it the cheap prices vanish in the rounding of the dear ones' sums.
pub const MAX_PRICE_RATIO: f64 = 10_000.0;

/// The headroom asked for: a percent over every measured rate, and per model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headroom {
    pub percent: f64,
    pub per_model: BTreeMap<String, f64>,
}

impl Headroom {
    /// True when some rate is raised.
    pub fn raises(&self) -> bool {
        self.percent != 0.0 || !self.per_model.is_empty()
    }
}

/// The demand multipliers of a sweep: `steps` of them from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sweep {
    pub from: f64,
    pub to: f64,
    pub steps: usize,
}

/// A request, every setting read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub fleet: Fleet,
    /// The solver, its time limit and the seed.
    pub run: RunOptions,
    pub latency: Percentile,
    pub headroom: Headroom,
    /// What a node costs, when nodes count in the cost (each type's GPUs in nodes of
    /// `export.gpus_per_node`).
    pub node_cost: Option<f64>,
    pub export: ExportOptions,
    /// Spare GPUs a move may borrow while it runs.
    pub spare: usize,
    /// GPUs a replanned move may use beyond the new optimum.
    pub extra_gpus: usize,
    pub sweep: Sweep,
}

impl Request {
    /// The settings `asked`, every one not given at its default; every problem named as
    /// `path` names its setting.
    pub fn read(asked: &Asked, path: Path) -> Result<Request, InputErrors> {
        let mut refused: Vec<(Key, Refused)> = Vec::new();
        let mut request = Request::defaults();
        for (&key, written) in asked {
            if let Err(r) = request.set(key, written) {
                refused.push((key, r));
            }
        }
        // Ranges and the prices' ratio, once every setting is read (and only for those read).
        if refused.is_empty() {
            refused.extend(request.problems());
        }
        if refused.is_empty() {
            Ok(request)
        } else {
            Err(named(refused, path))
        }
    }

    /// Every setting at its default: one GPU type, the table's first.
    pub fn defaults() -> Request {
        // Placeholders, each then set from the table's default, so that defaults are written
        // once.
        let mut request = Request {
            fleet: Fleet::one(gpu_type(Key::Gpu.setting().default).expect("the default GPU is in the catalog")),
            run: RunOptions {
                solver: solver(Key::Solver.setting().default).expect("the default solver"),
                budget: Budget::default(),
                seed: 0,
            },
            latency: Percentile::default(),
            headroom: Headroom::default(),
            node_cost: None,
            export: ExportOptions::default(),
            spare: 0,
            extra_gpus: 0,
            sweep: Sweep { from: 0.0, to: 0.0, steps: 0 },
        };
        for setting in &SETTINGS {
            request.set(setting.key, setting.default).expect("every default is accepted");
        }
        request
    }

    /// A request on `fleet`, every other setting at its default.
    pub fn on(fleet: Fleet) -> Request {
        Request { fleet, ..Request::defaults() }
    }

    /// The nodes' price, when nodes are priced.
    pub fn nodes(&self) -> Option<NodePrice> {
        self.node_cost.map(|cost| NodePrice { gpus_per_node: self.export.gpus_per_node, cost })
    }

    /// Sets `key` from its text.
    fn set(&mut self, key: Key, text: &str) -> Result<(), Refused> {
        let accepts = key.setting().accepts;
        let whole_of = |text: &str| match accepts {
            Accepts::Whole(min, max) => whole(text, min, max).map(|n| n as usize),
            _ => unreachable!("a whole-number setting"),
        };
        match key {
            Key::Gpu => self.fleet = fleet(text)?,
            Key::Solver => self.run.solver = solver(text)?,
            Key::TimeLimit => {
                let seconds = number(text, &TIME_LIMIT_S)?;
                self.run.budget.time_limit = Some(Duration::from_secs_f64(seconds));
            }
            Key::Seed => self.run.seed = whole_of(text)? as u64,
            Key::Latency => self.latency = percentile(text)?,
            Key::Headroom => self.headroom.percent = number(text, &PERCENT)?,
            Key::HeadroomFor => self.headroom.per_model = per_model(text)?,
            Key::NodeCost => self.node_cost = (!text.trim().is_empty()).then(|| number(text, &PRICE)).transpose()?,
            Key::GpusPerNode => self.export.gpus_per_node = whole_of(text)?,
            Key::NodeNames => self.export.node_names = items(text).map(String::from).collect(),
            Key::Image => self.export.image = text.trim().to_string(),
            Key::Spare => self.spare = whole_of(text)?,
            Key::ExtraGpus => self.extra_gpus = whole_of(text)?,
            Key::From => self.sweep.from = number(text, &MULTIPLIER)?,
            Key::To => self.sweep.to = number(text, &MULTIPLIER)?,
            Key::Steps => self.sweep.steps = whole_of(text)?,
        }
        Ok(())
    }

    /// What the settings break together or of their ranges, for a request built in code as
    /// much as for one read: every number within its setting's range, the prices within
    /// [`MAX_PRICE_RATIO`] of each other, node names and image as Kubernetes takes them, the
    /// sweep's multipliers growing.
    pub fn problems(&self) -> Vec<(Key, Refused)> {
        let mut found: Vec<(Key, Refused)> = Vec::new();
        let mut check = |key: Key, x: f64| {
            let range = match key.setting().accepts {
                Accepts::Number(range) => range,
                Accepts::Whole(min, max) => {
                    if !(x >= min as f64 && x <= max as f64) {
                        found.push((key, whole_refused(&readable(x), min, max)));
                    }
                    return;
                }
                _ => unreachable!("a numeric setting"),
            };
            if let Err(r) = in_range(x, &range) {
                found.push((key, r));
            }
        };
        check(Key::TimeLimit, self.run.budget.time_limit.map_or(f64::NAN, |t| t.as_secs_f64()));
        check(Key::Seed, self.run.seed as f64);
        check(Key::Headroom, self.headroom.percent);
        if let Some(cost) = self.node_cost {
            check(Key::NodeCost, cost);
        }
        check(Key::GpusPerNode, self.export.gpus_per_node as f64);
        check(Key::Spare, self.spare as f64);
        check(Key::ExtraGpus, self.extra_gpus as f64);
        check(Key::From, self.sweep.from);
        check(Key::To, self.sweep.to);
        check(Key::Steps, self.sweep.steps as f64);
        for (model, &p) in &self.headroom.per_model {
            if let Err(r) = in_range(p, &PERCENT) {
                found.push((Key::HeadroomFor, Refused::new(format!("`{model}`: {}", r.message), r.hint)));
            }
        }
        for t in self.fleet.types() {
            if let Err(r) = in_range(t.price, &PRICE) {
                found.push((Key::Gpu, Refused::new(format!("{}: {}", t.spec.id, r.message), r.hint)));
            }
        }
        if found.is_empty() {
            found.extend(self.price_ratio());
        }
        if self.sweep.from >= self.sweep.to {
            let message =
                format!("the multipliers must grow: from {} to {}", readable(self.sweep.from), readable(self.sweep.to));
            found.push((Key::To, Refused::new(message, "give a larger multiplier to end with, e.g. from 0.5 to 4")));
        }
        if let Err(message) = self.export.check_range() {
            let key = if message.starts_with("image") { Key::Image } else { Key::NodeNames };
            found.push((key, Refused::new(message, "see Deploying a plan in the docs")));
        }
        found
    }

    /// The dearest price at most [`MAX_PRICE_RATIO`] times the cheapest.
    fn price_ratio(&self) -> Option<(Key, Refused)> {
        let mut prices: Vec<(Key, String, f64)> = self
            .fleet
            .types()
            .iter()
            .map(|t| (Key::Gpu, format!("{}={}", t.spec.id, readable(t.price)), t.price))
            .collect();
        prices.extend(self.node_cost.map(|c| (Key::NodeCost, format!("node cost {}", readable(c)), c)));
        let cheapest = prices.iter().min_by(|a, b| a.2.total_cmp(&b.2))?;
        let dearest = prices.iter().max_by(|a, b| a.2.total_cmp(&b.2))?;
        (dearest.2 > cheapest.2 * MAX_PRICE_RATIO).then(|| {
            let message = format!("{} is more than {} times {}", dearest.1, readable(MAX_PRICE_RATIO), cheapest.1);
            let hint = format!(
                "the dearest price may be at most {} times the cheapest (see Limits in the docs): leave out a type that \
                 costs next to nothing, or price them in one unit",
                readable(MAX_PRICE_RATIO)
            );
            (dearest.0, Refused::new(message, hint))
        })
    }
}

/// GPU types, each `GPU` or `GPU=PRICE`, comma-separated.
fn fleet(text: &str) -> Result<Fleet, Refused> {
    let mut types = Vec::new();
    for item in items(text) {
        let (id, written_price) = match item.split_once('=') {
            Some((id, p)) => (id, Some(p)),
            None => (item, None),
        };
        let spec = gpu_type(id)?;
        let price = written_price.map(price).transpose()?.unwrap_or(1.0);
        types.push(GpuType { spec, price });
    }
    if types.is_empty() {
        return Err(Refused::new(
            "no GPU type is given",
            "give a GPU type, e.g. a100-40gb, or several as a100-40gb=1, h100-80gb=2.2",
        ));
    }
    Fleet::new(types).map_err(|m| Refused::new(m, "give each GPU type once"))
}

/// `MODEL=PERCENT` pairs, comma-separated, each model once.
fn per_model(text: &str) -> Result<BTreeMap<String, f64>, Refused> {
    let mut found = BTreeMap::new();
    for item in items(text) {
        let Some((model, percent)) = item.split_once('=') else {
            return Err(Refused::new(format!("`{item}` is not MODEL=PERCENT"), "e.g. bert=50"));
        };
        let percent = number(percent, &PERCENT)
            .map_err(|r| Refused::new(format!("`{}`: {}", model.trim(), r.message), r.hint))?;
        if found.insert(model.trim().to_string(), percent).is_some() {
            return Err(Refused::new(
                format!("model `{}` is given twice", model.trim()),
                "give each model's headroom once",
            ));
        }
    }
    Ok(found)
}

/// The problems as input errors of no file, each naming its setting as `path` does.
pub fn named(refused: Vec<(Key, Refused)>, path: Path) -> InputErrors {
    InputErrors(
        refused
            .into_iter()
            .map(|(key, r)| InputError {
                file: String::new(),
                line: None,
                column: Some(key.name(path).to_string()),
                character: None,
                message: r.message,
                hint: Some(r.hint),
            })
            .collect(),
    )
}
