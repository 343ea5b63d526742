//! Where the state is kept between visits: localStorage, under the keys of `saved`.
//!
//! Plain `web_sys::Storage` rather than gloo-storage: gloo panics when the browser refuses
//! localStorage altogether (storage disabled for the site), and a save that fails must be
//! told to the user, not lost.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsValue;

/// Why the browser refused to store the state, in words for the page, from the name and
/// message of the exception it threw.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn failure_reason(name: &str, message: &str) -> String {
    match name {
        "QuotaExceededError" => "the browser's storage for this site is full".into(),
        "SecurityError" => "the browser does not let this site store data".into(),
        _ if !message.is_empty() => message.into(),
        _ if !name.is_empty() => name.into(),
        _ => "the browser refused to store them".into(),
    }
}

#[cfg(target_arch = "wasm32")]
fn reason(error: &JsValue) -> String {
    let field = |key: &str| {
        js_sys::Reflect::get(error, &JsValue::from_str(key)).ok().and_then(|v| v.as_string()).unwrap_or_default()
    };
    failure_reason(&field("name"), &field("message"))
}

#[cfg(target_arch = "wasm32")]
fn local_storage() -> Result<web_sys::Storage, String> {
    match web_sys::window().map(|w| w.local_storage()) {
        Some(Ok(Some(storage))) => Ok(storage),
        Some(Err(error)) => Err(reason(&error)),
        _ => Err("this browser has no localStorage".into()),
    }
}

/// What was saved under `key`, if anything was and the browser lets us read it.
#[cfg(target_arch = "wasm32")]
pub fn load(key: &str) -> Option<String> {
    local_storage().ok()?.get_item(key).ok()?
}

/// Saves `text` under `key`; the error says why the browser would not keep it.
#[cfg(target_arch = "wasm32")]
pub fn save(key: &str, text: &str) -> Result<(), String> {
    local_storage()?.set_item(key, text).map_err(|e| reason(&e))
}
