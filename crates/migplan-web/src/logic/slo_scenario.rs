//! ParvaGPU's SLO scenarios on the page, read as `migplan import --scenario` reads them: its
//! rate file and latency file (one scenario a line, one column a model, in the alphabetical
//! order of its profile files) and a scenario number become the workload. Native, so it is
//! tested against the core's reader.

use migplan_core::problem::import::{parvagpu, Format};
use migplan_core::problem::input::{workload_csv, InputError};

use crate::logic::profile_files::ProfileFile;
use crate::state::Source;

/// A scenario as a workload file, and the models it leaves out (`N/A` in both files).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioWorkload {
    pub workload: Source,
    pub absent: Vec<String>,
}

/// Scenario `k` (as typed, 1-based) of the SLO files `rates` and `slos`, its columns the
/// models of the ParvaGPU files among `profiles` (a model typed in a file's row wins over its
/// name, as it does when the file is planned).
pub fn scenario_workload(
    profiles: &[ProfileFile],
    rates: &Source,
    slos: &Source,
    k: &str,
) -> Result<ScenarioWorkload, Vec<InputError>> {
    // Said of the page's Scenario box, as error_text words a box's error.
    let field = |message: String, hint: &str| {
        vec![InputError {
            file: String::new(),
            line: None,
            column: Some("Scenario".into()),
            character: None,
            message,
            hint: Some(hint.into()),
        }]
    };
    let k = k.trim().parse::<usize>().ok().filter(|&k| k >= 1).ok_or_else(|| {
        field(
            format!("`{}` is not a scenario number", k.trim()),
            "give the scenario's line in the SLO files: 1, 2, ...",
        )
    })?;
    let mut models: Vec<String> = profiles
        .iter()
        .filter(|f| f.format() == Some(Format::Parvagpu))
        .map(|f| if f.model.trim().is_empty() { parvagpu::model_of_file(&f.name) } else { f.model.trim().to_string() })
        .collect();
    models.sort();
    models.dedup();
    if models.is_empty() {
        return Err(field(
            "no profiles file is ParvaGPU's: the scenario's columns are the models of its profile files".into(),
            "choose ParvaGPU's prof_data files as the profiles first",
        ));
    }
    let scenario = parvagpu::scenario((&rates.name, &rates.text), (&slos.name, &slos.text), &models, k)
        .map_err(|errors| errors.0)?;
    Ok(ScenarioWorkload {
        workload: Source { name: format!("scenario {k} of {}", rates.name), text: workload_csv(&scenario.workload) },
        absent: scenario.absent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use migplan_core::problem::input::parse_workload;

    const PROF: &str = "Mig instance,Batch size,Workload Number,Throughput,Latency\n1,4,1,120.5,0.033\n";

    fn source(name: &str, text: &str) -> Source {
        Source { name: name.into(), text: text.into() }
    }

    #[test]
    fn a_scenario_is_the_workload_of_its_line_in_the_alphabetical_order_of_the_models() {
        let profiles = [ProfileFile::new("tinynet.csv", PROF), ProfileFile::new("bignet.csv", PROF)];
        let (rates, slos) =
            (source("SLO_req_rate.csv", "N/A,100\n50,80\n"), source("SLO_latency.csv", "N/A,40\n60,50\n"));
        let two = scenario_workload(&profiles, &rates, &slos, "2").unwrap();
        assert_eq!(two.workload.name, "scenario 2 of SLO_req_rate.csv");
        let rows = parse_workload(&two.workload.name, &two.workload.text).unwrap();
        let read: Vec<(&str, f64, f64)> = rows.iter().map(|r| (r.model.as_str(), r.rate, r.slo_ms)).collect();
        assert_eq!(read, [("bignet", 50.0, 60.0), ("tinynet", 80.0, 50.0)]);
        assert!(two.absent.is_empty());
        let one = scenario_workload(&profiles, &rates, &slos, " 1 ").unwrap();
        assert_eq!(one.absent, ["bignet"]);
        // A model typed in a file's row names its column.
        let typed = [ProfileFile { model: "aaa".into(), ..ProfileFile::new("tinynet.csv", PROF) }, profiles[1].clone()];
        assert!(scenario_workload(&typed, &rates, &slos, "2").unwrap().workload.text.contains("aaa,50,60"));
    }

    #[test]
    fn a_bad_number_no_parvagpu_file_or_a_missing_line_says_what_to_do() {
        let profiles = [ProfileFile::new("tinynet.csv", PROF)];
        let (rates, slos) = (source("r.csv", "10\n"), source("s.csv", "20\n"));
        for k in ["0", "two", ""] {
            let e = scenario_workload(&profiles, &rates, &slos, k).unwrap_err();
            assert_eq!(e[0].column.as_deref(), Some("Scenario"), "{k}: {e:?}");
        }
        let e = scenario_workload(
            &[ProfileFile::new("p.csv", "model,profile,batch,latency_ms,throughput\n")],
            &rates,
            &slos,
            "1",
        );
        assert!(e.unwrap_err()[0].hint.as_deref().unwrap().contains("prof_data"));
        let e = scenario_workload(&profiles, &rates, &slos, "3").unwrap_err();
        assert!(e.iter().all(|e| e.message.contains("no scenario 3")), "{e:?}");
        assert_eq!(e.len(), 2, "both files are named");
    }
}
