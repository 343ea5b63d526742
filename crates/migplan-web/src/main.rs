//! The page's entry point.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<migplan_web::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("migplan-web runs in a browser: build it with `trunk build` (see README.md)");
}
