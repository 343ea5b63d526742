//! The entry point of the one wasm binary, which is both the page and its planning worker:
//! the solvers and the input readers ship once, and the worker's file is the page's, cached.
//!

//! The same binary is also the JS API (`web/api/migplan.js`): on a page that is not the
//! planner's, and in the API's own worker, `main` does nothing and the page calls the exports.

#[cfg(target_arch = "wasm32")]
fn main() {
    use migplan_web::worker::worker_entry::{is_planner_page, serve, worker_scope, API_WORKER};
    match worker_scope() {
        Some(scope) if scope.name() == API_WORKER => {}
        Some(scope) => serve(scope),
        None if is_planner_page() => {
            migplan_web::app::say_so_on_panic();
            yew::Renderer::<migplan_web::app::App>::new().render();
        }
        None => {}
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("migplan-web runs in a browser: build it with `trunk build` (see README.md)");
}
