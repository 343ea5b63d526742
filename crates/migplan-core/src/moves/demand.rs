//! What each model needs during a move: its demand before and after, and the floor
//! min(old, new) it keeps at every step.

use std::collections::BTreeMap;

use crate::plan::Plan;
use crate::sorting;

/// A model's demand before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    pub model: String,
    pub old_rate: f64,
    pub new_rate: f64,
}

impl Demand {
    /// What each model must keep at every step, by model: what the move checker takes.
    pub fn floors(demands: &[Demand]) -> BTreeMap<String, f64> {
        sorting::map_of(demands.iter().map(|d| (d.model.clone(), d.floor())))
    }

    /// What the model must keep at every step.
    pub fn floor(&self) -> f64 {
        self.old_rate.min(self.new_rate)
    }

    /// Each model's demand before and after, from (model, rate) pairs of each side; a model
    /// missing from one side has rate 0 there.
    pub fn between<'a>(
        old: impl IntoIterator<Item = (&'a str, f64)>,
        new: impl IntoIterator<Item = (&'a str, f64)>,
    ) -> Vec<Demand> {
        let mut models: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
        for (m, rate) in old {
            models.entry(m).or_default().0 = rate;
        }
        for (m, rate) in new {
            models.entry(m).or_default().1 = rate;
        }
        models.into_iter().map(|(m, (o, n))| Demand { model: m.to_string(), old_rate: o, new_rate: n }).collect()
    }

    /// Demands from the two plans' model lists.
    pub fn from_plans(from: &Plan, to: &Plan) -> Vec<Demand> {
        Demand::between(
            from.models.iter().map(|m| (m.model.as_str(), m.rate)),
            to.models.iter().map(|m| (m.model.as_str(), m.rate)),
        )
    }
}
