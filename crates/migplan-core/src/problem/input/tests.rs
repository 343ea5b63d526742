//! The readers against small texts: every column, every kind of bad value, both formats.

use std::fmt;

use super::*;

fn first_error<T: fmt::Debug>(r: Result<T, InputErrors>) -> InputError {
    r.expect_err("expected an input error").0.into_iter().next().unwrap()
}

#[test]
fn reads_profiles_in_any_column_order_and_case() {
    let text = "Throughput,MODEL,profile,batch,latency_ms\n1350,bert,2g,16,12.5\n";
    let rows = parse_profiles("p.csv", text).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].model, "bert");
    assert_eq!(rows[0].profile, "2g");
    assert_eq!(rows[0].batch, 16);
    assert_eq!(rows[0].processes, 1);
    assert_eq!(rows[0].throughput, 1350.0);
    assert_eq!(rows[0].loc, SourceLoc { file: "p.csv".into(), line: 2 });
}

#[test]
fn reads_processes_column() {
    let text = "model,profile,batch,latency_ms,throughput,processes\nbert,3g,8,20,900,3\nbert,3g,8,20,900,\n";
    let rows = parse_profiles("p.csv", text).unwrap();
    assert_eq!(rows[0].processes, 3);
    assert_eq!(rows[1].processes, 1);
}

#[test]
fn missing_column_is_named() {
    let e = first_error(parse_profiles("p.csv", "model,profile,batch,throughput\nbert,1g,1,10\n"));
    assert_eq!(e.line, Some(1));
    assert_eq!(e.column.as_deref(), Some("latency_ms"));
    assert!(e.to_string().contains("latency_ms"), "{e}");
}

#[test]
fn bad_number_names_line_and_column() {
    let text = "model,profile,batch,latency_ms,throughput\nbert,1g,1,10,100\nbert,2g,1,fast,100\n";
    let e = first_error(parse_profiles("p.csv", text));
    assert_eq!((e.line, e.column.as_deref()), (Some(3), Some("latency_ms")));
    assert!(e.message.contains("fast"));
}

#[test]
fn zero_batch_negative_rate_and_empty_model_are_rejected() {
    let e = first_error(parse_profiles("p.csv", "model,profile,batch,latency_ms,throughput\nbert,1g,0,10,100\n"));
    assert_eq!(e.column.as_deref(), Some("batch"));
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,-3,100\n"));
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("rate")));
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\n,3,100\n"));
    assert_eq!(e.column.as_deref(), Some("model"));
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,3,0\n"));
    assert_eq!(e.column.as_deref(), Some("slo_ms"));
}

#[test]
fn ragged_row_names_its_line() {
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,3,100\nresnet,5\n"));
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("fields"), "{e}");
}

#[test]
fn every_bad_row_is_reported() {
    let errs = parse_workload("w.csv", "model,rate,slo_ms\na,x,1\nb,1,1\nc,1,y\n").unwrap_err();
    assert_eq!(errs.0.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(2), Some(4)]);
}

#[test]
fn empty_table_is_an_error() {
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\n"));
    assert!(e.message.contains("no data rows"));
}

#[test]
fn json_rows_keep_their_lines() {
    let text = "{\n \"workload\": [\n  {\"model\": \"bert\", \"rate\": 10, \"slo_ms\": 100},\n\n  {\"model\": \"r,[\\\"x\", \"rate\": 5, \"slo_ms\": 50}\n ],\n \"profiles\": []\n}\n";
    let rows = parse_workload("w.json", text).unwrap();
    assert_eq!(rows.iter().map(|r| r.loc.line).collect::<Vec<_>>(), [3, 5]);
    assert_eq!(rows[1].model, "r,[\"x");
    assert!(parse_profiles("w.json", text).unwrap().is_empty());
}

#[test]
fn json_bad_value_names_line() {
    let text = "{\"profiles\": [\n {\"model\": \"bert\", \"profile\": \"1g\", \"batch\": 1, \"latency_ms\": -2, \"throughput\": 5}\n]}";
    let e = first_error(parse_profiles("p.json", text));
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("latency_ms")));
    assert!(e.message.contains("-2 is not above 0"), "{e}");
}

#[test]
fn json_without_section_is_an_error() {
    let e = first_error(parse_workload("w.json", "{\"profiles\": []}"));
    assert!(e.message.contains("\"workload\""));
}

#[test]
fn json_unknown_field_is_an_error() {
    let e = first_error(parse_workload("w.json", "{\"workload\": [{\"model\": \"a\", \"rate\": 1, \"slo\": 2}]}"));
    assert!(e.message.contains("slo"), "{e}");
}

#[test]
fn a_column_given_twice_is_an_error_naming_both() {
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms,rate\nbert,3,100,4\n"));
    assert_eq!((e.line, e.column.as_deref()), (Some(1), Some("rate")));
    assert!(e.message.contains("columns 2 and 4"), "{e}");
    // Columns migplan does not read may repeat.
    assert!(parse_workload("w.csv", "model,rate,slo_ms,note,note\nbert,3,100,a,b\n").is_ok());
}

#[test]
fn a_number_past_f64_is_refused_with_its_range_as_written() {
    for (text, column) in [("bert,1e400,100", "rate"), ("bert,10,-1e999", "slo_ms")] {
        let e = first_error(parse_workload("w.csv", &format!("model,rate,slo_ms\n{text}\n")));
        assert_eq!((e.line, e.column.as_deref()), (Some(2), Some(column)));
        assert!(e.message.contains("e400` is not at least") || e.message.contains("e999` is not above"), "{e}");
    }
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,nan,100\n"));
    assert!(e.message.contains("`nan` is not a number"), "{e}");
}

#[test]
fn numbers_outside_their_range_are_refused_with_the_range() {
    let e = first_error(parse_profiles("p.csv", "model,profile,batch,latency_ms,throughput\nbert,1g,1,10,1e308\n"));
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("throughput")));
    assert!(e.message.contains("at most 1e9"), "{e}");
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,1e12,100\n"));
    assert_eq!(e.column.as_deref(), Some("rate"));
    let e =
        first_error(parse_workload("w.json", "{\"workload\": [{\"model\": \"a\", \"rate\": 1e12, \"slo_ms\": 5}]}"));
    assert_eq!(e.column.as_deref(), Some("rate"), "{e}");
}

#[test]
fn a_byte_order_mark_is_ignored_in_both_formats() {
    let rows =
        parse_workload("w.json", "\u{feff}{\"workload\": [{\"model\": \"a\", \"rate\": 1, \"slo_ms\": 5}]}").unwrap();
    assert_eq!(rows[0].model, "a");
    let rows = parse_workload("w.csv", "\u{feff}model,rate,slo_ms\na,1,5\n").unwrap();
    assert_eq!(rows[0].rate, 1.0);
    assert_eq!(decode("w.csv", b"\xef\xbb\xbfmodel").unwrap(), "model");
}

#[test]
fn text_that_is_not_utf8_names_its_line() {
    let e = decode("w.csv", b"model,rate,slo_ms\nb\xe9rt,1,5\n").unwrap_err();
    assert_eq!((e.file.as_str(), e.line), ("w.csv", Some(2)));
    assert!(e.message.contains("not UTF-8"), "{e}");
}

#[test]
fn an_empty_json_workload_names_its_file() {
    let e = first_error(parse_workload("w.json", "{\"workload\": []}"));
    assert_eq!(e.file, "w.json");
    assert!(e.message.contains("empty"), "{e}");
}

#[test]
fn a_ragged_row_and_bad_values_elsewhere_are_reported_together() {
    let text = "model,rate,slo_ms\na,abc,42\nb,537\n,5,5\nc,1,5\n";
    let errs = parse_workload("w.csv", text).unwrap_err().0;
    assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(2), Some(3), Some(4)], "{errs:?}");
}

#[test]
fn reads_the_gpu_column_and_names_an_unknown_gpu() {
    let text = "model,profile,batch,latency_ms,throughput,gpu\nbert,3g,8,20,900,H100-80GB\nbert,3g,8,20,500,\n";
    let rows = parse_profiles("p.csv", text).unwrap();
    assert_eq!(rows[0].gpu.as_deref(), Some("h100-80gb"));
    assert_eq!(rows[1].gpu, None);
    let e =
        first_error(parse_profiles("p.csv", "model,profile,batch,latency_ms,throughput,gpu\nbert,3g,8,20,900,v100\n"));
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("gpu")));
    assert!(e.message.contains("v100"), "{}", e.message);
    let json =
        r#"{"profiles":[{"model":"bert","profile":"3g","batch":8,"latency_ms":20,"throughput":900,"gpu":"a30-24gb"}]}"#;
    assert_eq!(parse_profiles("p.json", json).unwrap()[0].gpu.as_deref(), Some("a30-24gb"));
}

#[test]
fn a_thousands_separator_is_refused_with_the_number_written_plainly() {
    // Quoted, the comma stays in the field: refused, never read as 2 or 2.5.
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,\"2,500\",100\n"));
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("rate")));
    assert!(e.message.contains("`2,500` has a comma"), "{e}");
    assert!(e.hint.as_deref().unwrap().ends_with(": 2500"), "{e}");
    // Unquoted, it splits the row: the extra field is named as the likely cause.
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,2,500,100\n"));
    assert_eq!(e.line, Some(2));
    assert!(e.hint.as_deref().unwrap().contains("thousands separator (2,500)"), "{e}");
    // A row short of a field says nothing of separators.
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\nbert,2\n"));
    assert!(!e.hint.as_deref().unwrap().contains("separator"), "{e}");
}

#[test]
fn lines_after_blank_lines_are_the_lines_an_editor_shows() {
    // Line 3 is blank, line 4 holds the bad rate.
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\na,1,5\n\nb,x,5\n"));
    assert_eq!((e.line, e.column.as_deref()), (Some(4), Some("rate")), "{e}");
    // Several blank lines in a row, and a ragged row after them.
    let text = "model,rate,slo_ms\n\na,1,5\n\n\n\nb,1\nc,2,y\n";
    let errs = parse_workload("w.csv", text).unwrap_err().0;
    assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), [Some(7), Some(8)], "{errs:?}");
    let rows = parse_workload("w.csv", "model,rate,slo_ms\n\n\na,1,5\n\nb,2,5\n").unwrap();
    assert_eq!(rows.iter().map(|r| r.loc.line).collect::<Vec<_>>(), [4, 6]);
}

#[test]
fn lines_after_blank_lines_are_right_with_crlf_line_ends() {
    let e = first_error(parse_workload("w.csv", "model,rate,slo_ms\r\nb,x,5\r\n"));
    assert_eq!(e.line, Some(2), "{e}");
    let text = "model,rate,slo_ms\r\na,1,5\r\n\r\n\r\nb,1,5\r\nc,y,5\r\n";
    let e = first_error(parse_workload("w.csv", text));
    assert_eq!((e.line, e.column.as_deref()), (Some(6), Some("rate")), "{e}");
    let rows = parse_workload("w.csv", "model,rate,slo_ms\r\n\r\na,1,5\r\n").unwrap();
    assert_eq!(rows[0].loc.line, 3);
}

#[test]
fn lines_after_blank_lines_and_comments_are_right_in_profiles() {
    let text = "# measured on a100\nmodel,profile,batch,latency_ms,throughput\n\nbert,1g,1,10,100\n# a note\n\nbert,2g,1,fast,100\n";
    let e = first_error(parse_profiles("p.csv", text));
    assert_eq!((e.line, e.column.as_deref()), (Some(7), Some("latency_ms")), "{e}");
    // The header's own problems name the header's line, not the comment's.
    let e = first_error(parse_profiles("p.csv", "# measured on a100\n\nmodel,profile,batch\nbert,1g,1\n"));
    assert_eq!((e.line, e.column.as_deref()), (Some(3), Some("latency_ms")), "{e}");
    let e = first_error(parse_workload("w.csv", "#\r\nmodel,rate,slo_ms,rate\r\nbert,3,100,4\r\n"));
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("rate")), "{e}");
}

#[test]
fn a_json_syntax_error_says_not_valid_json_at_its_line_and_column() {
    let text = "{\n  \"workload\": [\n    {model: \"a\", \"rate\": 1, \"slo_ms\": 5}\n  ]\n}\n";
    let e = first_error(parse_workload("workload.json", text));
    assert!(e.to_string().starts_with("workload.json:3:6: not valid JSON: key must be a string"), "{e}");
    let e = first_error(parse_profiles("p.json", "{\"profiles\": [\n"));
    assert!(e.to_string().starts_with("p.json:2:0: not valid JSON: EOF while parsing a list"), "{e}");
}

#[test]
fn a_file_named_json_or_starting_with_a_bracket_is_read_as_json() {
    // Named .json: read as JSON whatever it starts with, never as a CSV with a bad header.
    let e = first_error(parse_workload("w.JSON", "workload: []\n"));
    assert!(e.to_string().starts_with("w.JSON:1:1: not valid JSON: expected value"), "{e}");
    let e = first_error(parse_profiles("p.json", ""));
    assert!(e.to_string().contains("not valid JSON"), "{e}");
    // Starting with `[`: JSON too, whatever the name; a list where the object belongs says so.
    let e = first_error(parse_workload("w.txt", "[{\"model\": \"a\", \"rate\": 1, \"slo_ms\": 5}]"));
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("a JSON list, not an object"), "{e}");
    assert!(e.hint.as_deref().unwrap().contains("{\"workload\": ["), "{e}");
    let e = first_error(parse_workload("w.txt", "[{\"model\": \"a\",]"));
    assert!(e.to_string().starts_with("w.txt:1:16: not valid JSON"), "{e}");
}

#[test]
fn bad_json_values_name_their_line_and_field_every_one() {
    let text = "{\"workload\": [\n  {\"model\": \"a\", \"rate\": -1, \"slo_ms\": 5},\n  {\"model\": \"b\", \"rate\": 1, \"slo_ms\": \"5\", \"rate\": 2}\n]}";
    let errors = parse_workload("w.json", text).unwrap_err().0;
    assert!(errors[0].to_string().starts_with("w.json:2: column `rate`: -1 is not at least 0"), "{}", errors[0]);
    let found: Vec<_> = errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
    assert_eq!(found, [(Some(2), Some("rate")), (Some(3), Some("rate")), (Some(3), Some("slo_ms"))], "{errors:?}");
    assert!(errors[1].message.contains("twice"), "{}", errors[1]);
}

#[test]
fn an_error_of_no_file_starts_with_its_field_or_message() {
    let e = InputError {
        file: String::new(),
        line: None,
        column: None,
        character: None,
        message: "the `greedy` solver counts GPUs".into(),
        hint: Some("use --solver exact".into()),
    };
    assert_eq!(e.to_string(), "the `greedy` solver counts GPUs\n  hint: use --solver exact");
    // A request's setting is no column of a file: named as its asker names it.
    let seed =
        InputError { column: Some("--seed".into()), message: "`-3` is not a whole number".into(), hint: None, ..e };
    assert_eq!(seed.to_string(), "--seed: `-3` is not a whole number");
}

#[test]
fn what_is_written_reads_back_as_the_same_rows() {
    let profiles =
        "model,profile,batch,latency_ms,throughput,processes\n\"#bert\",1g,2,5.5,100,1\n\"a,b\",3g,1,5,9,2\n";
    let rows = parse_profiles("p.csv", profiles).unwrap();
    assert_eq!(rows[0].model, "#bert");
    let written = profiles_csv(&rows);
    assert_eq!(written, profiles);
    let again = parse_profiles("p.csv", &written).unwrap();
    assert_eq!(again.iter().map(|r| &r.model).collect::<Vec<_>>(), ["#bert", "a,b"]);
    let workload = parse_workload("w.csv", "model,rate,slo_ms\n\"#resnet\",10,50\n").unwrap();
    assert_eq!(parse_workload("w.csv", &workload_csv(&workload)).unwrap(), workload);
}

#[test]
fn a_file_name_ending_in_a_character_of_several_bytes_is_no_panic() {
    // Found by the import fuzz target: the name's last five bytes cut `é` in two.
    assert!(!is_json("profil\u{e9}", "model,rate,slo_ms\n"));
    assert!(is_json("w\u{e9}.json", ""));
    assert!(parse_workload("\u{1f600}\u{1f600}", "model,rate,slo_ms\na,1,5\n").is_ok());
}
