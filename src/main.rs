//! `kerbside`: serve the app (default) or run an operator command.

/// The server's memory allocator. A page builds and drops many small
/// values (rows, their fields, the template's context) across the runtime's
/// threads; with mimalloc in place of the system's allocator the referral
/// queue, the person page and the arrests list served 14-30 % more
/// requests a second at 100,000 men on SQLite, measured in turn on the
/// same data (`benches/RESULTS.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kerbside::cli::main(std::env::args().skip(1).collect())
}
