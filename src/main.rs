#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    ferry::cli::main()
}
