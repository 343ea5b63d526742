//! The workload CSV as the rows of an editable table, and back.

/// Workload rows as editable cells (model, rate, slo_ms), read leniently so that a value
/// that does not parse still shows in the table. `None` when the text is not a CSV with
/// those three columns.
pub fn workload_cells(text: &str) -> Option<Vec<[String; 3]>> {
    if text.trim_start().starts_with('{') {
        return None;
    }
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).comment(Some(b'#')).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().ok()?.iter().map(|h| h.to_ascii_lowercase()).collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (m, r, s) = (column("model")?, column("rate")?, column("slo_ms")?);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.ok()?;
        let cell = |i: usize| record.get(i).unwrap_or("").to_string();
        rows.push([cell(m), cell(r), cell(s)]);
    }
    Some(rows)
}

/// The cells written back as the workload CSV.
pub fn workload_text(rows: &[[String; 3]]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["model", "rate", "slo_ms"]);
    for row in rows {
        let _ = writer.write_record(row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
