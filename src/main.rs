//! The client launches the app in the browser; the server serves it plus the API.

fn main() {
    #[cfg(feature = "server")]
    parlor::server::run();

    #[cfg(not(feature = "server"))]
    dioxus::launch(parlor::app::App);
}
