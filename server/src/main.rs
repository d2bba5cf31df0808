//! `voronka`: serve the app, migrate, create users, generate demo data, back up.

fn main() -> std::process::ExitCode {
    voronka_server::cli::main()
}
