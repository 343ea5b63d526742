//! The text of a file the user chose or dropped, or why the browser could not read it (a
//! file removed or changed since it was chosen, say): every upload says so, none is ignored.

use crate::state::Source;

pub async fn file_text(file: &web_sys::File) -> Result<Source, String> {
    let name = file.name();
    match wasm_bindgen_futures::JsFuture::from(file.text()).await {
        Ok(text) => Ok(Source { name, text: text.as_string().unwrap_or_default() }),
        Err(_) => Err(format!("{name}: the browser could not read this file: choose it again")),
    }
}
