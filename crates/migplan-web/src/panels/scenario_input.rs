//! "ParvaGPU SLO scenario" under the workload: ParvaGPU's rate and latency files and a
//! scenario number make the workload (`slo_scenario`), as `migplan import --scenario` does.
//! The files stay in this component (they are not inputs: the workload they make is).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::logic::error_text::in_one_line;
use crate::logic::slo_scenario::scenario_workload;
use crate::panels::file_text::file_text;
use crate::state::{Action, Source, State};

#[derive(Properties, PartialEq)]
pub struct ScenarioInputProps {
    pub state: UseReducerHandle<State>,
}

/// What the last press of the button, or the last file read, left to say.
#[derive(Clone, PartialEq)]
enum Said {
    Nothing,
    Used(String),
    Refused(Vec<String>),
}

/// A file input whose file, once read, goes to `slot` (or why it could not be read to `said`).
fn slo_file(label: &str, testid: &str, slot: &UseStateHandle<Option<Source>>, said: &UseStateHandle<Said>) -> Html {
    let onchange = {
        let (slot, said) = (slot.clone(), said.clone());
        Callback::from(move |e: Event| {
            let Some(file) = e.target_unchecked_into::<HtmlInputElement>().files().and_then(|f| f.get(0)) else {
                return;
            };
            let (slot, said) = (slot.clone(), said.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match file_text(&file).await {
                    Ok(source) => slot.set(Some(source)),
                    Err(why) => said.set(Said::Refused(vec![why])),
                }
            });
        })
    };
    html! {
        <label class="field">
            <span>{ label }{ slot.as_ref().map(|s| format!(": {}", s.name)).unwrap_or_default() }</span>
            <input type="file" accept=".csv,text/csv" data-testid={testid.to_string()} {onchange} />
        </label>
    }
}

#[function_component(ScenarioInput)]
pub fn scenario_input(props: &ScenarioInputProps) -> Html {
    let rates = use_state(|| None::<Source>);
    let slos = use_state(|| None::<Source>);
    let k = use_state(|| "1".to_string());
    let said = use_state(|| Said::Nothing);
    let on_k = {
        let k = k.clone();
        Callback::from(move |e: InputEvent| k.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_use = {
        let (state, rates, slos, k, said) = (props.state.clone(), rates.clone(), slos.clone(), k.clone(), said.clone());
        Callback::from(move |_: MouseEvent| {
            let (Some(rates), Some(slos)) = (rates.as_ref(), slos.as_ref()) else { return };
            match scenario_workload(&state.inputs.profiles, rates, slos, &k) {
                Ok(scenario) => {
                    let models = scenario.workload.text.lines().count().saturating_sub(1);
                    let left_out = if scenario.absent.is_empty() {
                        String::new()
                    } else {
                        format!("; left out (N/A in both files): {}", scenario.absent.join(", "))
                    };
                    said.set(Said::Used(format!("{}: {models} models{left_out}", scenario.workload.name)));
                    state.dispatch(Action::SetWorkload(scenario.workload));
                }
                Err(errors) => said.set(Said::Refused(errors.iter().map(in_one_line).collect())),
            }
        })
    };
    let ready = rates.is_some() && slos.is_some() && !props.state.busy();
    html! {
        <details class="scenario" data-testid="scenario">
            <summary>{ "ParvaGPU SLO scenario as the workload" }</summary>
            <p class="field-note">
                { "ParvaGPU's rate and latency files hold one scenario a line, one column a model in the \
                   alphabetical order of its profile files (choose those as the profiles first)." }
            </p>
            { slo_file("Rates (SLO_req_rate.csv)", "slo-rates-input", &rates, &said) }
            { slo_file("Latency SLOs (SLO_latency.csv)", "slo-latency-input", &slos, &said) }
            <div class="row">
                <label class="field small">
                    <span>{ "Scenario" }</span>
                    <input type="text" inputmode="numeric" data-testid="scenario-number" value={(*k).clone()} oninput={on_k} />
                </label>
                <button data-testid="use-scenario" onclick={on_use} disabled={!ready}>{ "Use as the workload" }</button>
            </div>
            { match &*said {
                Said::Nothing => html! {},
                Said::Used(what) => html! { <p class="muted" role="status" data-testid="scenario-note">{ what.clone() }</p> },
                Said::Refused(why) => html! {
                    <div class="errors" role="alert" data-testid="scenario-error">{ for why.iter().map(|w| html! { <p>{ w.clone() }</p> }) }</div>
                },
            } }
        </details>
    }
}
