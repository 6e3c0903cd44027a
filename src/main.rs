//! `kerbside`: serve the app (default) or run an operator command.

fn main() -> std::process::ExitCode {
    kerbside::cli::main(std::env::args().skip(1).collect())
}
