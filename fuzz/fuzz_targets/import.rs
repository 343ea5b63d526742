//! Arbitrary bytes as a profiler's file (its first line the file's name, which says model,
//! profile and batch as `MODEL@PROFILE@bBATCH.csv`), through every importer: a file imports
//! or is refused, and every row imported reads back whole from the CSV `migplan import` writes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use migplan_core::hardware::catalog::gpu;
use migplan_core::problem::import::{import, ImportOptions};
use migplan_core::problem::input::{parse_profiles, profiles_csv};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (name, body) = text.split_once('\n').unwrap_or(("m@1g@b1.csv", &text));
    for gpu in [None, gpu("a100-40gb")] {
        let options = ImportOptions { gpu, ..Default::default() };
        let Ok(imported) = import(name, body, &options) else { continue };
        assert_eq!(imported.report.kept, imported.rows.len(), "every kept row is a row");
        if imported.rows.is_empty() {
            continue;
        }
        let back = parse_profiles("p.csv", &profiles_csv(&imported.rows)).expect("what import writes reads back");
        assert_eq!(back.len(), imported.rows.len(), "no row lost on the way back");
        for (a, b) in back.iter().zip(&imported.rows) {
            assert_eq!((&a.model, &a.profile, a.batch, a.processes), (&b.model, &b.profile, b.batch, b.processes));
        }
    }
});
