//! The terms a plan or a move uses, explained where they appear: each is a button whose
//! definition shows as a tooltip on hover and focus (from its `data-tip`, style.css) and is
//! its accessible description (`aria-describedby` names the one hidden glossary the page
//! renders once, so a term used twice is described twice without two ids).

use yew::prelude::*;

/// A term the page explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    LowerBound,
    ProvenOptimal,
    WholeGpus,
    Percentile,
    Processes,
    RunningTouched,
    ProvenMinimum,
}

impl Term {
    pub const ALL: [Term; 7] = [
        Term::LowerBound,
        Term::ProvenOptimal,
        Term::WholeGpus,
        Term::Percentile,
        Term::Processes,
        Term::RunningTouched,
        Term::ProvenMinimum,
    ];

    fn id(self) -> &'static str {
        match self {
            Term::LowerBound => "term-lower-bound",
            Term::ProvenOptimal => "term-proven-optimal",
            Term::WholeGpus => "term-whole-gpus",
            Term::Percentile => "term-percentile",
            Term::Processes => "term-processes",
            Term::RunningTouched => "term-running-touched",
            Term::ProvenMinimum => "term-proven-minimum",
        }
    }

    pub fn definition(self) -> &'static str {
        match self {
            Term::LowerBound => {
                "No plan of these inputs can use fewer GPUs: migplan proves it from a relaxation of the problem \
                 (each model's instances whole, the layouts fractional). The gap is the plan's GPUs minus the bound."
            }
            Term::ProvenOptimal => {
                "The plan's GPU count equals the lower bound, so no plan of these inputs uses fewer GPUs."
            }
            Term::WholeGpus => {
                "The baseline without MIG: every model served by whole-GPU instances (7g), as many as its rate \
                 needs."
            }
            Term::Percentile => {
                "p99 is the latency 99% of requests stay under (p50, p90 and p95 likewise). Where a profiler's file \
                 has several percentiles, the SLO limits the one chosen here."
            }
            Term::Processes => {
                "MPS processes sharing one MIG instance: the instance serves their total throughput, and its pod \
                 runs that many server processes."
            }
            Term::RunningTouched => {
                "GPUs of the running plan that the move changes: each is drained and repartitioned, so its pods \
                 restart. Fewer is a gentler move."
            }
            Term::ProvenMinimum => {
                "The fewest running GPUs any plan with that many GPUs must touch, proven: a move that touches this \
                 many is the gentlest there is."
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct GlossedProps {
    pub term: Term,
    /// The words shown, as the sentence around them needs them ("processes", "process").
    pub children: Html,
}

/// A term in a sentence, its definition a tooltip (hover, focus) and its description.
#[function_component(Glossed)]
pub fn glossed(props: &GlossedProps) -> Html {
    // Escape hides the tooltip, as WCAG asks of content shown on hover or focus.
    let on_key = Callback::from(|e: KeyboardEvent| {
        if e.key() == "Escape" {
            if let Some(button) = e.target_dyn_into::<web_sys::HtmlElement>() {
                let _ = button.blur();
            }
        }
    });
    html! {
        <button type="button" class="term" data-testid="term" data-tip={props.term.definition()}
            aria-describedby={props.term.id()} onkeydown={on_key}>
            { props.children.clone() }
        </button>
    }
}

/// Every definition once, hidden: what the terms' `aria-describedby` name.
#[function_component(Glossary)]
pub fn glossary() -> Html {
    html! {
        <div hidden=true>
            { for Term::ALL.iter().map(|t| html! { <p id={t.id()}>{ t.definition() }</p> }) }
        </div>
    }
}
