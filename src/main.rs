//! `kerbside`: serve the app (default) or run an operator command.

/// The server's memory allocator. A page builds and drops many small
/// values (rows, their fields, the template's context) across the runtime's
/// threads; with mimalloc in place of the system's allocator the referral
/// queue, the person page and the arrests list served 5-16 % more requests
/// a second at 100,000 men on SQLite, measured in turn on the same data
/// (`benches/RESULTS.md`, "Pages with mimalloc").
///
/// Cargo.toml builds mimalloc's version 2 without transparent huge pages:
/// version 3 as built by default keeps freed memory for a second and lets
/// the kernel back it with 2 MB pages, and the server's peak under a run
/// of PDFs grew from 143 MB (the system's allocator) to 234 MB; built this
/// way it was 160 MB.
///
/// The price: mimalloc keeps what it frees for reuse. After a burst of
/// wrong sign-ins the server stays near its peak (117 MiB a minute later)
/// where the system's allocator fell back to 56 MiB. Removing these two
/// lines and the `mimalloc` line in Cargo.toml goes back to it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kerbside::cli::main(std::env::args().skip(1).collect())
}
