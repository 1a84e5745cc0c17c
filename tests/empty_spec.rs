//! An empty or comment-only spec has no `migration` header: `check`,
//! `stage` and `run` all report E0110 and fail (none exits silently).

use std::path::Path;
use std::process::Command;

#[test]
fn a_spec_without_a_migration_header_is_e0110_for_every_command() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("empty_spec");
    std::fs::create_dir_all(&dir).unwrap();
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/nordisk-retail/export");
    for (name, text) in [("empty", ""), ("comments", "// only a comment\n\n")] {
        let spec = dir.join(format!("{name}.ferry"));
        std::fs::write(&spec, text).unwrap();
        let out = dir.join(format!("{name}-out"));
        let commands: [Vec<&std::ffi::OsStr>; 3] = [
            vec!["check".as_ref(), spec.as_os_str()],
            vec![
                "stage".as_ref(),
                spec.as_os_str(),
                "--input".as_ref(),
                bundle.as_os_str(),
            ],
            vec![
                "run".as_ref(),
                spec.as_os_str(),
                "--input".as_ref(),
                bundle.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
            ],
        ];
        for args in commands {
            let o = Command::new(env!("CARGO_BIN_EXE_ferry"))
                .args(&args)
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{name} {args:?}: {stderr}");
            assert!(
                stderr.contains("E0110") && stderr.contains("no `migration` line"),
                "{name} {args:?}: {stderr}"
            );
        }
        assert!(!out.exists(), "{name}: run wrote {}", out.display());
    }
}
