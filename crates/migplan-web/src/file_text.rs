//! The text of a file the user chose or dropped, or why it has none: the browser could not
//! read it (a file removed or changed since it was chosen, say), or it is not UTF-8 text (a
//! picture chosen by mistake). Every upload says so; none is ignored or read as mojibake.

use migplan_core::problem::input::decode;

use crate::state::Source;

pub async fn file_text(file: &web_sys::File) -> Result<Source, String> {
    let name = file.name();
    let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
        .map_err(|_| format!("{name}: the browser could not read this file: choose it again"))?;
    // The same check and words as the command line's: the first byte that is not UTF-8.
    let text = decode(&name, &bytes).map_err(|e| e.to_string())?;
    Ok(Source { name, text })
}
