//! The input errors grouped by cause, so that a hundred rows with one mistake read as one line
//! with a count: errors of one file and column with the same hint (the likely cause), or
//! else the same message up to its quoted values and numbers, are one group.

use migplan_core::hardware::catalog;
use migplan_core::problem::input::InputError;

use crate::logic::error_text::page_words;

#[derive(Debug, Clone, PartialEq)]
pub struct ErrorGroup {
    /// The errors of this cause, in the order they were found.
    pub errors: Vec<InputError>,
    /// The GPU whose profiles these are, when the cause is a wrong GPU: offered as a switch.
    pub gpu_of_profiles: Option<String>,
}

impl ErrorGroup {
    pub fn first(&self) -> &InputError {
        &self.errors[0]
    }

    /// The likely cause in the page's words.
    pub fn cause(&self) -> Option<String> {
        match &self.gpu_of_profiles {
            Some(gpu) => {
                Some(format!("these profiles are {}'s, not the chosen GPU's: switch GPU?", gpu.to_uppercase()))
            }
            None => self.first().hint.as_deref().map(page_words),
        }
    }
}

/// A message with its `quoted` values and numbers blanked, so rows differing only there match.
fn shape(message: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '`' => {
                quoted = !quoted;
                out.push('`');
            }
            _ if quoted => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The GPU a "these profiles are X's" hint of `problem::Problem::build` names.
fn gpu_named_by(hint: &str) -> Option<String> {
    catalog::all_gpus()
        .into_iter()
        .map(|g| g.id.to_string())
        .find(|id| hint.starts_with(&format!("these profiles are {id}'s")))
}

/// `errors` grouped by cause, groups in the order of their first error.
pub fn group(errors: &[InputError]) -> Vec<ErrorGroup> {
    let key = |e: &InputError| (e.file.clone(), e.column.clone(), e.hint.clone().unwrap_or_else(|| shape(&e.message)));
    let mut keys = Vec::new();
    let mut groups: Vec<ErrorGroup> = Vec::new();
    for e in errors {
        let k = key(e);
        match keys.iter().position(|other| *other == k) {
            Some(i) => groups[i].errors.push(e.clone()),
            None => {
                keys.push(k);
                let gpu_of_profiles = e.hint.as_deref().and_then(gpu_named_by);
                groups.push(ErrorGroup { errors: vec![e.clone()], gpu_of_profiles });
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Inputs;

    #[test]
    fn a40_profiles_on_an_80gb_gpu_are_one_group_offering_the_switch() {
        let inputs = Inputs { gpu: "a100-80gb".into(), ..Inputs::example() };
        let mut errors = Vec::new();
        crate::worker::planning::Planner::default().handle(
            &crate::worker::protocol::Request::Plan(inputs.request()),
            &mut |m| {
                if let crate::worker::protocol::WorkerMessage::Failed { errors: e } = m {
                    errors = e;
                }
            },
        );
        assert!(errors.len() > 1, "{errors:?}");
        let groups = group(&errors);
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[0].errors.len(), errors.len());
        assert_eq!(groups[0].gpu_of_profiles.as_deref(), Some("a100-40gb"));
        assert!(groups[0].cause().unwrap().contains("A100-40GB's"), "{:?}", groups[0].cause());
    }

    #[test]
    fn rows_with_one_mistake_are_one_group_and_other_mistakes_stay_apart() {
        let mut text = String::from("model,rate,slo_ms\n");
        for i in 0..30 {
            text += &format!("m{i},fast{i},100\n");
        }
        text += "x,5,soon\n";
        let errors = migplan_core::problem::input::parse_workload("w.csv", &text).unwrap_err().0;
        let groups = group(&errors);
        let sizes: Vec<(usize, Option<&str>)> =
            groups.iter().map(|g| (g.errors.len(), g.first().column.as_deref())).collect();
        assert_eq!(sizes, [(30, Some("rate")), (1, Some("slo_ms"))]);
        assert_eq!(groups[0].gpu_of_profiles, None);
    }

    #[test]
    fn shapes_blank_quoted_values_and_numbers() {
        assert_eq!(
            shape("`7g.40gb` is not a MIG profile of a100-80gb (94 rows)"),
            "`` is not a MIG profile of a#-#gb (# rows)"
        );
    }
}
