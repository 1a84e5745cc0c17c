//! Every file under a folder, by relative path, with its bytes (sorted):
//! what two runs are compared by.

use std::path::Path;

pub fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
                out.push((name, std::fs::read(&p).expect("readable")));
            }
        }
    }
    out.sort();
    out
}
