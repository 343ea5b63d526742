//! What the plan's downloads and its "Mark this plan deployed" button say about the plan on
//! screen. A plan is for the inputs its solve started with; once they change it stays on
//! screen, marked out of date, and where the user takes it away or deploys it the buttons
//! say so too. They stay usable: the earlier plan may be exactly what runs on the cluster
//! (deployed before the workload was edited), and marking it deployed then is how a move
//! from it begins. Deploying it asks first, since it may not serve what the user typed.

use super::State;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanUse {
    /// The plan is for the inputs on the page now.
    Current,
    /// The plan was made for inputs the user has changed since.
    EarlierInputs,
}

impl PlanUse {
    /// Added to the label of each download and of "Mark this plan deployed".
    pub fn label_suffix(self) -> &'static str {
        match self {
            PlanUse::Current => "",
            PlanUse::EarlierInputs => " (for the earlier inputs)",
        }
    }

    /// The words before the download buttons.
    pub fn downloads_lead(self) -> &'static str {
        match self {
            PlanUse::Current => "Download the plan: ",
            PlanUse::EarlierInputs => "Download the earlier plan (press Solve for a plan of the inputs now): ",
        }
    }

    /// What the browser asks before marking the plan deployed, if anything.
    pub fn deploy_question(self, gpu_count: usize) -> Option<String> {
        match self {
            PlanUse::Current => None,
            PlanUse::EarlierInputs => Some(format!(
                "This plan ({gpu_count} GPUs) was made for earlier inputs, not the ones on the page now: it may \
                 not serve what you typed.\n\nMark it deployed only if it is what your cluster runs. For a plan \
                 of the inputs now, cancel here and press Solve."
            )),
        }
    }
}

impl State {
    pub fn plan_is_current(&self) -> bool {
        self.plan_key == Some(self.inputs_key)
    }

    /// How the plan on screen may be used; `None` without a plan.
    pub fn plan_use(&self) -> Option<PlanUse> {
        self.plan.as_ref()?;
        Some(if self.plan_is_current() { PlanUse::Current } else { PlanUse::EarlierInputs })
    }
}
