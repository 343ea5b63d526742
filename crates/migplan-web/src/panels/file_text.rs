//! The text of a file the user chose or dropped, or why it has none: the browser could not
//! read it (a file removed or changed since it was chosen, say), or it is not UTF-8 text (a
//! picture chosen by mistake). Every upload says so; none is ignored or read as mojibake.

use migplan_core::problem::input::{decode, InputError};

use crate::state::Source;

/// The file's text, or why it has none as an input error naming the file (and the line).
pub async fn file_source(file: &web_sys::File) -> Result<Source, InputError> {
    let name = file.name();
    let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
        Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
        Err(_) => {
            return Err(InputError {
                file: name,
                line: None,
                column: None,
                character: None,
                message: "the browser could not read this file".into(),
                hint: Some("choose it again".into()),
            })
        }
    };
    // The same check and words as the command line's: the first byte that is not UTF-8.
    let text = decode(&name, &bytes)?;
    Ok(Source { name, text })
}

/// The file's text, or why it has none in one line.
pub async fn file_text(file: &web_sys::File) -> Result<Source, String> {
    file_source(file).await.map_err(|e| e.to_string())
}
