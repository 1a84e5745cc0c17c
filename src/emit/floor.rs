//! The benchmark floor: CSV files → JSON lines with no mapping at all
//! (`ferry bench-floor`, used by `bench/run.sh`).
//!
//! Input: a bundle folder and the file names to convert. Output: one
//! `<stem>.jsonl` per file, one object per record (header → cell text,
//! invalid UTF-8 replaced), written with the `csv` crate and serde_json's
//! string escaper. It is what any conversion of the same files must at
//! least cost: read, split, escape, write. Files are spread over `threads`
//! workers, largest first, as `ferry run` spreads records over its workers.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What the floor read and wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct FloorStats {
    pub files: u64,
    pub records: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
}

/// Converts `names` (files in `input`) into `out`, which must exist.
pub fn convert(
    input: &Path,
    names: &[String],
    out: &Path,
    threads: usize,
) -> io::Result<FloorStats> {
    let mut jobs: Vec<(PathBuf, u64)> = Vec::new();
    for n in names {
        let p = input.join(n);
        if let Ok(m) = std::fs::metadata(&p) {
            jobs.push((p, m.len()));
        }
    }
    jobs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let next = AtomicUsize::new(0);
    let total = Mutex::new(Ok(FloorStats::default()));
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((path, _)) = jobs.get(i) else { break };
                let r = one(path, out);
                let mut t = total.lock().unwrap_or_else(|e| e.into_inner());
                match (r, &mut *t) {
                    (Ok(s), Ok(t)) => {
                        t.files += 1;
                        t.records += s.records;
                        t.bytes_in += s.bytes_in;
                        t.bytes_out += s.bytes_out;
                    }
                    (Err(e), t @ Ok(_)) => *t = Err(e),
                    _ => {}
                }
            });
        }
    });
    total.into_inner().unwrap_or_else(|e| e.into_inner())
}

fn one(path: &Path, out: &Path) -> io::Result<FloorStats> {
    let mut head = [0u8; 4096];
    let mut f = File::open(path)?;
    let n = f.read(&mut head)?;
    let first = head[..n].split(|&b| b == b'\n').next().unwrap_or(&[]);
    let count = |c: u8| first.iter().filter(|&&b| b == c).count();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&c| (count(c), c == b','))
        .unwrap_or(b',');
    let file = File::open(path)?;
    let bytes_in = file.metadata()?.len();
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 20, file));
    let headers: Vec<String> = rdr
        .byte_headers()?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let stem = path
        .file_stem()
        .map_or_else(|| "file".into(), |s| s.to_string_lossy());
    let mut w = BufWriter::with_capacity(1 << 20, File::create(out.join(format!("{stem}.jsonl")))?);
    let mut rec = csv::ByteRecord::new();
    let mut buf = Vec::with_capacity(1024);
    let mut stats = FloorStats {
        bytes_in,
        ..FloorStats::default()
    };
    while rdr.read_byte_record(&mut rec)? {
        buf.clear();
        buf.push(b'{');
        for (i, (h, v)) in headers.iter().zip(rec.iter()).enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            super::json::push_str(&mut buf, h);
            buf.push(b':');
            super::json::push_str(&mut buf, &String::from_utf8_lossy(v));
        }
        buf.extend_from_slice(b"}\n");
        w.write_all(&buf)?;
        stats.records += 1;
        stats.bytes_out += buf.len() as u64;
    }
    w.flush()?;
    Ok(stats)
}
