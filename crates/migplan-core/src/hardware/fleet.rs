//! The GPU types a plan may use, each with what one GPU of it costs: a fleet. Never empty:
//! one GPU type alone is a fleet of one at price 1, so that its cost counts GPUs.

use crate::hardware::spec::GpuSpec;

/// A GPU type planning may use and what one GPU of it costs, in any currency per any time:
/// planning weighs only the prices' ratios.
#[derive(Debug, Clone, PartialEq)]
pub struct GpuType {
    pub spec: GpuSpec,
    pub price: f64,
}

/// The GPU types a plan may use, in the order the user gave them: the first is the plan's
/// `gpu`. Never empty, and no type twice.
#[derive(Debug, Clone, PartialEq)]
pub struct Fleet {
    types: Vec<GpuType>,
}

impl Fleet {
    /// One GPU type at price 1.
    pub fn one(spec: GpuSpec) -> Fleet {
        Fleet { types: vec![GpuType { spec, price: 1.0 }] }
    }

    /// The fleet of `types`, or why there is none: no type, or a type given twice.
    pub fn new(types: Vec<GpuType>) -> Result<Fleet, String> {
        if types.is_empty() {
            return Err("no GPU type is given".into());
        }
        for (i, t) in types.iter().enumerate() {
            if types[..i].iter().any(|u| u.spec.id == t.spec.id) {
                return Err(format!("{} is given twice", t.spec.id));
            }
        }
        Ok(Fleet { types })
    }

    pub fn types(&self) -> &[GpuType] {
        &self.types
    }

    /// The first type given: a plan's `gpu`.
    pub fn first(&self) -> &GpuSpec {
        &self.types[0].spec
    }

    /// True for two types or more.
    pub fn is_mixed(&self) -> bool {
        self.types.len() > 1
    }

    /// The type of this id (as the catalog or a plan spells it, in any case), and its index.
    pub fn named(&self, id: &str) -> Option<(usize, &GpuType)> {
        self.types.iter().enumerate().find(|(_, t)| t.spec.id.eq_ignore_ascii_case(id))
    }

    /// The least price of the fleet: the unit planning counts cost in.
    pub fn cheapest(&self) -> f64 {
        self.types.iter().map(|t| t.price).fold(f64::INFINITY, f64::min)
    }

    /// The ids of the types, in order.
    pub fn ids(&self) -> Vec<&'static str> {
        self.types.iter().map(|t| t.spec.id).collect()
    }

    /// The fleet of these types only (in this fleet's order), when any is one of it.
    pub fn only(&self, keep: impl Fn(&GpuType) -> bool) -> Option<Fleet> {
        let types: Vec<GpuType> = self.types.iter().filter(|t| keep(t)).cloned().collect();
        (!types.is_empty()).then_some(Fleet { types })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalog::gpu;

    #[test]
    fn a_fleet_is_never_empty_and_names_each_type_once() {
        let a100 = GpuType { spec: gpu("a100-40gb").unwrap(), price: 1.0 };
        let h100 = GpuType { spec: gpu("h100-80gb").unwrap(), price: 1.75 };
        assert!(Fleet::new(Vec::new()).is_err());
        assert!(Fleet::new(vec![a100.clone(), a100.clone()]).unwrap_err().contains("a100-40gb is given twice"));
        let fleet = Fleet::new(vec![h100.clone(), a100.clone()]).unwrap();
        assert_eq!((fleet.first().id, fleet.cheapest(), fleet.is_mixed()), ("h100-80gb", 1.0, true));
        assert_eq!(fleet.named("A100-40GB").map(|(i, _)| i), Some(1));
        assert_eq!(Fleet::one(a100.spec.clone()).types(), std::slice::from_ref(&a100));
        assert_eq!(fleet.only(|t| t.price > 1.0), Some(Fleet::new(vec![h100]).unwrap()));
        assert_eq!(fleet.only(|_| false), None);
    }
}
