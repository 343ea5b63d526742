//! The profiles input as the page keeps it: every uploaded file verbatim, with what the user
//! typed in its row of the file table (model, profile, batch), imported by migplan-core's
//! `problem::import` in whatever format it is (migplan's own CSV or JSON, perf_analyzer,
//! Model Analyzer, MIGPerf, ParvaGPU) and merged. The page imports them for the table; the
//! worker imports them again for the plan, so every error still names its file and line.

use migplan_core::hardware::catalog;
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
}

impl ProfileFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> ProfileFile {
        ProfileFile {
            name: name.into(),
            text: text.into(),
            model: String::new(),
            profile: String::new(),
            batch: String::new(),
        }
    }

    pub fn field(&self, field: FileField) -> &str {
        match field {
            FileField::Model => &self.model,
            FileField::Profile => &self.profile,
            FileField::Batch => &self.batch,
        }
    }

    pub fn set(&mut self, field: FileField, value: String) {
        match field {
            FileField::Model => self.model = value,
            FileField::Profile => self.profile = value,
            FileField::Batch => self.batch = value,
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

    /// How to read the file: the page's GPU and latency percentile, and what its row says.
    fn options(&self, gpu: &str, latency: Percentile) -> Result<ImportOptions, InputError> {
        Ok(ImportOptions { format: None, gpu: catalog::gpu(gpu), latency, given: self.given()? })
    }

    /// The file's rows and report, read with the page's GPU and latency percentile.
    pub fn import(&self, gpu: &str, latency: Percentile) -> Result<Imported, InputErrors> {
        import::import(&self.name, &self.text, &self.options(gpu, latency)?)
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
    let mut errors = Vec::new();
    let mut read = Vec::new();
    for file in files {
        match file.options(gpu, latency) {
            Ok(options) => read.push((file.name.as_str(), file.text.as_str(), options)),
            Err(e) => errors.push(e),
        }
    }
    match import::import_all(read) {
        Ok(imported) if errors.is_empty() => Ok(imported),
        Ok(_) => Err(InputErrors(errors)),
        Err(e) => {
            errors.extend(e.0);
            Err(InputErrors(errors))
        }
    }
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
