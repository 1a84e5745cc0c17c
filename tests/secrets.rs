//! Credentials in the export never reach reference files or reports
//! (W0901): `ferry run` on an integrations export whose config summary
//! holds an SFTP password, an API key and a password.

use std::path::{Path, PathBuf};
use std::process::Command;

const SPEC: &str = r#"migration actimo -> salesforce
reference integrations "Integrations to rebuild" {
  config = config_summary
}
"#;

const CSV: &str = "integration_id,integration_type,name,status,config_summary,created_at\n\
201,csv_sftp,HR feed,active,sftp://hr:Hunter2Secret!@sftp.nordisk.example/hr.csv api-key: abcd1234-abcd-1234 password=Hunter2Secret!,2017-02-10 13:52:34\n\
202,app_sso_oidc,SSO,active,client_secret=s3cr3tValue issuer https://login.example,2016-11-29 22:53:29\n\
203,webhook,Hook,active,POST https://hooks.example/in,2016-11-29 22:53:29\n";

fn dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("secrets");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("bundle")).unwrap();
    std::fs::write(d.join("bundle/integrations.csv"), CSV).unwrap();
    std::fs::write(d.join("spec.ferry"), SPEC).unwrap();
    d
}

#[test]
fn reference_files_and_reports_hold_no_credentials() {
    let d = dir();
    let out = d.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("run")
        .arg(d.join("spec.ferry"))
        .arg("--input")
        .arg(d.join("bundle"))
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("W0901"), "{stderr}");
    assert!(stderr.contains("2 value(s) of `config`"), "{stderr}");
    for f in [
        "references/integrations.json",
        "references/integrations.md",
        "report.md",
        "report.json",
        "report.html",
    ] {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        for secret in ["Hunter2Secret", "abcd1234", "s3cr3tValue"] {
            assert!(!text.contains(secret), "{f} holds {secret}");
        }
    }
    let json = std::fs::read_to_string(out.join("references/integrations.json")).unwrap();
    assert!(json.contains(
        "sftp://hr:[redacted]@sftp.nordisk.example/hr.csv api-key: [redacted] password=[redacted]"
    ));
    assert!(json.contains("client_secret=[redacted] issuer https://login.example"));
    // A value without credentials is copied as it is.
    assert!(json.contains("POST https://hooks.example/in"));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("W0901: 2 values of `config`"), "{report}");
}
