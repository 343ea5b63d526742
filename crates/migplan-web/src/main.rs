//! The entry point of the one wasm binary, which is both the page and its planning worker:
//! the solvers and the input readers ship once, and the worker's file is the page's, cached.

#[cfg(target_arch = "wasm32")]
fn main() {
    match migplan_web::worker_entry::worker_scope() {
        Some(scope) => migplan_web::worker_entry::serve(scope),
        None => {
            yew::Renderer::<migplan_web::app::App>::new().render();
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("migplan-web runs in a browser: build it with `trunk build` (see README.md)");
}
