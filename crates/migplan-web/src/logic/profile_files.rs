//! The profiles input as the page keeps it: every uploaded file verbatim, with what the user
//! typed in its row of the file table (model, profile, batch), imported by migplan-core's
//! `problem::import` in whatever format it is (migplan's own CSV or JSON, perf_analyzer,
//! Model Analyzer, MIGPerf, ParvaGPU) and merged. The page imports them for the table; the
//! worker imports them again for the plan, so every error still names its file and line.
//!
//! A file marked measured on a GPU type has its rows tagged with it (a row that names its own
//! `gpu` keeps it): a comparison of GPU types then uses each file for its own type, and a plan
//! for another type leaves it out, as the core treats rows with a `gpu` column.

use migplan_core::hardware::catalog;
use migplan_core::hardware::spec::GpuSpec;
use migplan_core::problem::import::{self, Format, Given, ImportOptions, Imported, Percentile, Report};
use migplan_core::problem::input::limits::COUNT;
use migplan_core::problem::input::{InputError, InputErrors, ProfileRow};
use serde::{Deserialize, Serialize};

/// Which of a file's fields the table edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileField {
    Model,
    Profile,
    Batch,
    /// The GPU type (catalog id) the file was measured on; empty: the GPU chosen for the plan.
    MeasuredOn,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileFile {
    pub name: String,
    pub text: String,
    /// As typed in the file's row; empty: what the file or its name says.
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub profile: String,
    #[serde(default)]
    pub batch: String,
    /// Left out when empty, so the inputs of a page that never marks a file read as before.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub measured_on: String,
}

impl ProfileFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> ProfileFile {
        ProfileFile {
            name: name.into(),
            text: text.into(),
            model: String::new(),
            profile: String::new(),
            batch: String::new(),
            measured_on: String::new(),
        }
    }

    pub fn field(&self, field: FileField) -> &str {
        match field {
            FileField::Model => &self.model,
            FileField::Profile => &self.profile,
            FileField::Batch => &self.batch,
            FileField::MeasuredOn => &self.measured_on,
        }
    }

    pub fn set(&mut self, field: FileField, value: String) {
        match field {
            FileField::Model => self.model = value,
            FileField::Profile => self.profile = value,
            FileField::Batch => self.batch = value,
            FileField::MeasuredOn => self.measured_on = value,
        }
    }

    /// The format its header shows, if migplan knows it.
    pub fn format(&self) -> Option<Format> {
        import::detect_format(&self.name, &self.text)
    }

    /// The fields this file's format takes from the user (the rest each row says).
    pub fn editable(&self) -> &'static [FileField] {
        match self.format() {
            Some(Format::Migplan) => &[],
            Some(Format::ModelAnalyzer | Format::Migperf) => &[FileField::Profile],
            Some(Format::Parvagpu) => &[FileField::Model],
            Some(Format::PerfAnalyzer) | None => &[FileField::Model, FileField::Profile, FileField::Batch],
        }
    }

    fn given(&self) -> Result<Given, InputError> {
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let batch = match text(&self.batch) {
            None => None,
            Some(b) => Some(b.parse::<u32>().ok().filter(|&n| COUNT.check(f64::from(n)).is_ok()).ok_or_else(|| {
                InputError {
                    file: self.name.clone(),
                    line: None,
                    column: Some("batch".into()),
                    character: None,
                    message: format!("the batch `{b}` typed for this file is not a whole number {}", COUNT.describe()),
                    hint: Some("type 1, 2, 4, ... in the batch field of the file's row, or leave it empty".into()),
                }
            })?),
        };
        Ok(Given { model: text(&self.model), profile: text(&self.profile), batch })
    }

    /// The GPU the file was marked measured on, if it was; an id the catalog lacks (a link
    /// edited by hand) is an error naming the file and the setting.
    pub fn measured_on(&self) -> Result<Option<GpuSpec>, InputError> {
        let id = self.measured_on.trim();
        if id.is_empty() {
            return Ok(None);
        }
        catalog::gpu(id).map(Some).ok_or_else(|| InputError {
            file: self.name.clone(),
            line: None,
            column: Some("measured on".into()),
            character: None,
            message: format!("`{id}` is not a GPU migplan knows"),
            hint: Some(format!(
                "choose one of {} in the file's Measured on list, or the GPU chosen for the plan",
                catalog::gpu_ids().join(", ")
            )),
        })
    }

    /// The file's rows and report, read as measured on its GPU (the page's `gpu` unless the
    /// file is marked) with the page's latency percentile; a marked file's rows are its GPU's.
    pub fn import(&self, gpu: &str, latency: Percentile) -> Result<Imported, InputErrors> {
        let measured_on = self.measured_on()?;
        let options = ImportOptions {
            format: None,
            gpu: measured_on.clone().or_else(|| catalog::gpu(gpu)),
            latency,
            given: self.given()?,
        };
        let mut imported = import::import(&self.name, &self.text, &options)?;
        if let Some(spec) = measured_on {
            for row in imported.rows.iter_mut().filter(|r| r.gpu.is_none()) {
                row.gpu = Some(spec.id.to_string());
            }
        }
        Ok(imported)
    }
}

/// Every file's rows, merged, and their reports; all the files' errors together.
pub fn import_all(
    files: &[ProfileFile],
    gpu: &str,
    latency: Percentile,
) -> Result<(Vec<ProfileRow>, Vec<Report>), InputErrors> {
    if files.is_empty() {
        return Err(InputError {
            file: "profiles".into(),
            line: None,
            column: None,
            character: None,
            message: "no profiles file".into(),
            hint: Some("choose or drop one or more profiles files (or load the example)".into()),
        }
        .into());
    }
    import::merge(files.iter().map(|file| file.import(gpu, latency)))
}

/// The saved profiles of an earlier version (one file) or of this one (a list).
pub fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ProfileFile>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(ProfileFile),
        Many(Vec<ProfileFile>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(file) => vec![file],
        OneOrMany::Many(files) => files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PA: &str = "Concurrency,Inferences/Second,p50 latency,p99 latency\n1,100,2000,3000\n";

    #[test]
    fn a_perf_analyzer_file_takes_its_model_and_profile_from_the_row() {
        let mut file = ProfileFile::new("perf.csv", PA);
        assert_eq!(file.format(), Some(Format::PerfAnalyzer));
        assert!(file.import("a100-40gb", Percentile::P99).is_err());
        file.set(FileField::Model, "m".into());
        file.set(FileField::Profile, "3g".into());
        let rows = file.import("a100-40gb", Percentile::P50).unwrap().rows;
        assert_eq!((rows[0].model.as_str(), rows[0].batch, rows[0].latency_ms), ("m", 1, 2.0));
        file.set(FileField::Batch, "x".into());
        let e = file.import("a100-40gb", Percentile::P99).unwrap_err();
        assert_eq!(e.0[0].column.as_deref(), Some("batch"));
    }

    #[test]
    fn files_merge_and_an_empty_list_is_an_error() {
        let native = ProfileFile::new("p.csv", "model,profile,batch,latency_ms,throughput\nm,3g,1,5,100\n");
        let pa = ProfileFile::new("m@2g@b4.csv", PA);
        let (rows, reports) = import_all(&[native, pa], "a100-40gb", Percentile::P99).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(reports[1].batch, Some(4));
        assert!(import_all(&[], "a100-40gb", Percentile::P99).is_err());
    }

    #[test]
    fn a_file_marked_measured_on_a_gpu_tags_its_rows_unless_a_row_names_its_own() {
        let text = "model,profile,batch,latency_ms,throughput,gpu\nm,3g,1,5,100,\nm,3g,1,5,90,a30-24gb\n";
        let mut file = ProfileFile::new("p.csv", text);
        let gpus = |file: &ProfileFile| -> Vec<Option<String>> {
            file.import("a100-40gb", Percentile::P99).unwrap().rows.into_iter().map(|r| r.gpu).collect()
        };
        assert_eq!(gpus(&file), [None, Some("a30-24gb".into())]);
        file.set(FileField::MeasuredOn, "H100-80GB".into());
        assert_eq!(gpus(&file), [Some("h100-80gb".into()), Some("a30-24gb".into())]);
        // Read as the H100's: its profile ids name the H100's profiles, not the page's GPU's.
        let migperf = "model_name,batch_size,latency,throughput,mig_profile\nb,2,4.5,444.4,9\n";
        let mut file = ProfileFile::new("b.csv", migperf);
        assert_eq!(file.import("a100-40gb", Percentile::P99).unwrap().rows[0].profile, "3g.20gb");
        file.set(FileField::MeasuredOn, "h100-80gb".into());
        assert_eq!(file.import("a100-40gb", Percentile::P99).unwrap().rows[0].profile, "3g.40gb");
        file.set(FileField::MeasuredOn, "v100".into());
        let e = file.import("a100-40gb", Percentile::P99).unwrap_err();
        assert_eq!((e.0[0].file.as_str(), e.0[0].column.as_deref()), ("b.csv", Some("measured on")));
        assert!(e.0[0].message.contains("`v100` is not a GPU migplan knows"), "{:?}", e.0);
    }

    #[test]
    fn an_unmarked_file_saves_as_before_and_a_marked_one_keeps_its_gpu() {
        let file = ProfileFile::new("p.csv", "x");
        assert_eq!(
            serde_json::to_string(&file).unwrap(),
            r#"{"name":"p.csv","text":"x","model":"","profile":"","batch":""}"#
        );
        let marked = ProfileFile { measured_on: "h100-80gb".into(), ..file };
        let back: ProfileFile = serde_json::from_str(&serde_json::to_string(&marked).unwrap()).unwrap();
        assert_eq!(back, marked);
    }

    #[test]
    fn a_saved_single_file_still_loads() {
        #[derive(Deserialize)]
        struct Saved {
            #[serde(deserialize_with = "one_or_many")]
            profiles: Vec<ProfileFile>,
        }
        let old: Saved = serde_json::from_str(r#"{"profiles":{"name":"p.csv","text":"x"}}"#).unwrap();
        assert_eq!(old.profiles, [ProfileFile::new("p.csv", "x")]);
        let new: Saved = serde_json::from_str(r#"{"profiles":[{"name":"a","text":"y","model":"m"}]}"#).unwrap();
        assert_eq!(new.profiles[0].model, "m");
    }
}
