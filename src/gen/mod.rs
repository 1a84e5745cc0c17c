//! `ferry gen`: a deterministic generator of Actimo export bundles.
//!
//! Input: [`Options`] (contact count, seed, messy or clean) and an output
//! folder. Output: the 33 CSV files of actimo-export.md §4 plus
//! `manifest.json` (bundle name, a seed-derived `taken_at`, per-file row
//! counts and layout, and in messy mode every injected defect with its file,
//! column, record and line numbers).
//! Invariants: the same options give byte-identical files (seeded PCG
//! streams, no clock, no hash-map iteration); clean bundles follow §4.0 and
//! keep referential integrity; sizes follow actimo-export.md §5 at 600
//! contacts and grow linearly from there (workspaces hold ~200 people, so
//! a message reaches a few hundred; below 600 the three workspaces are
//! smaller and per-contact message volumes drop);
//! rows are streamed to disk, only the compact [`world::World`] is in memory.
//! Two threads: `message_events.csv` (the largest file) on one, the rest on
//! the other; they share the read-only world and never the same file.

mod build;
pub mod columns;
mod comms;
mod contact_mess;
mod contacts;
mod delivery;
mod learning;
mod mangle;
pub mod messy;
mod out;
mod people;
mod rng;
mod words;
mod work;
pub mod world;

pub use out::{FileReport, Injected};

use columns::{spec, FILES};
use messy::{Feature, Picker};
use out::{CsvOut, Row};
use rng::Rng;
use serde::Serialize;
use std::io;
use std::path::Path;
use world::World;

/// Contact counts `ferry gen` accepts.
pub const MIN_CONTACTS: u32 = 100;
pub const MAX_CONTACTS: u32 = 2_000_000;

#[derive(Clone, Debug)]
pub struct Options {
    pub contacts: u32,
    pub seed: u64,
    pub messy: bool,
}

/// `manifest.json`.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub bundle: String,
    pub generator: String,
    pub seed: u64,
    pub contacts: u32,
    pub messy: bool,
    /// When the export was "taken" (UTC), derived from the seed.
    pub taken_at: String,
    pub files: Vec<FileReport>,
    /// Messy mode: every injected defect (empty for clean bundles).
    pub injected: Vec<Injected>,
}

/// What every writer gets: the world and where to write.
pub(crate) struct Ctx<'a> {
    pub w: &'a World,
    pub dir: &'a Path,
    /// Write only these files (`None`: all); the others are generated
    /// (so every written file is byte for byte what a full bundle has) and
    /// dropped.
    pub only: Option<&'a [String]>,
}

impl Ctx<'_> {
    pub fn open(&self, name: &str) -> io::Result<CsvOut> {
        let write = self.writes(name);
        messy::open(
            self.dir,
            self.w.seed,
            spec(name),
            FILES,
            self.w.messy,
            write,
        )
    }

    fn writes(&self, name: &str) -> bool {
        self.only.is_none_or(|only| only.iter().any(|o| o == name))
    }

    /// The content stream of a file.
    pub fn rng(&self, name: &str) -> Rng {
        Rng::stream(self.w.seed, name, 0)
    }

    pub fn picker(&self, name: &str, expected: u64, table: &'static [(Feature, u32)]) -> Picker {
        Picker::new(self.w.seed, name, self.w.messy, expected, table)
    }

    /// A row that writes decimals the way `out` expects.
    pub fn row(&self, out: &CsvOut) -> Row {
        Row::new(out.delimiter(), out.decimal_comma())
    }
}

/// Every file except `message_events.csv`, in dependency-free order.
fn write_rest(ctx: &Ctx) -> io::Result<Vec<FileReport>> {
    let mut r = Vec::new();
    people::write(ctx, &mut r)?;
    contacts::write(ctx, &mut r)?;
    comms::write(ctx, &mut r)?;
    // survey_responses.csv: pulse rounds first, then in-message surveys.
    let mut responses = ctx.open("survey_responses.csv")?;
    let mut respond = learning::Responder::new(ctx);
    learning::write(ctx, &mut r, &mut responses, &mut respond)?;
    delivery::write(ctx, &mut r, &mut responses, &mut respond)?;
    r.push(responses.finish()?);
    work::write(ctx, &mut r)?;
    Ok(r)
}

/// Writes a complete bundle into `dir` (created if missing).
pub fn generate(opts: &Options, dir: &Path) -> io::Result<Manifest> {
    generate_only(opts, dir, None).map(|(m, _)| m)
}

/// As [`generate`], writing only the files named in `only` (when given):
/// each is identical to the same file of the complete bundle, and
/// `manifest.json` lists only them. For benchmarks at sizes where the whole
/// bundle would not fit the disk (16 GB at a million contacts). Also
/// returns the bytes the complete bundle's files would take.
pub fn generate_only(
    opts: &Options,
    dir: &Path,
    only: Option<&[String]>,
) -> io::Result<(Manifest, u64)> {
    if !(MIN_CONTACTS..=MAX_CONTACTS).contains(&opts.contacts) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("--contacts must be between {MIN_CONTACTS} and {MAX_CONTACTS}"),
        ));
    }
    std::fs::create_dir_all(dir)?;
    let world = World::build(opts.contacts, opts.seed, opts.messy);
    let ctx = Ctx {
        w: &world,
        dir,
        only,
    };
    let (rest, events) = std::thread::scope(|s| {
        // The largest file, on its own thread (generated even when it is
        // not written, so the complete bundle's size is known exactly).
        let events = s.spawn(|| delivery::events(&ctx));
        let rest = write_rest(&ctx);
        let events = events
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("event writer panicked")));
        (rest, events)
    });
    let mut all = rest?;
    all.push(events?);
    let complete: u64 = all.iter().map(|r| r.bytes).sum();
    all.retain(|r| ctx.writes(r.name));
    all.sort_by_key(|r| FILES.iter().position(|f| f.name == r.name));
    let injected = all
        .iter_mut()
        .flat_map(|r| std::mem::take(&mut r.injected))
        .collect();
    let (y, m, d) = out::civil(world.today);
    let mut taken = Vec::new();
    out::push_datetime(&mut taken, world.taken_at);
    let manifest = Manifest {
        bundle: format!("actimo_export_nordisk-retail_{y:04}{m:02}{d:02}"),
        generator: format!("ferry gen {}", env!("CARGO_PKG_VERSION")),
        seed: opts.seed,
        contacts: opts.contacts,
        messy: opts.messy,
        taken_at: String::from_utf8(taken).unwrap_or_default(),
        files: all,
        injected,
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?;
    std::fs::write(dir.join("manifest.json"), json)?;
    Ok((manifest, complete))
}

#[cfg(test)]
mod only_tests {
    use super::*;

    #[test]
    fn only_the_files_asked_for_are_written_and_identical() {
        let tmp = std::env::temp_dir().join(format!("ferry-gen-only-{}", std::process::id()));
        let (all, some) = (tmp.join("all"), tmp.join("some"));
        let opts = Options {
            contacts: MIN_CONTACTS,
            seed: 7,
            messy: true,
        };
        generate(&opts, &all).unwrap();
        let only = ["contacts.csv".to_string(), "companies.csv".to_string()];
        let (m, complete) = generate_only(&opts, &some, Some(&only)).unwrap();
        let full = generate(&opts, &tmp.join("again")).unwrap();
        assert!(complete > m.files.iter().map(|f| f.bytes).sum::<u64>());
        assert_eq!(m.files.len(), 2);
        let mut names: Vec<String> = std::fs::read_dir(&some)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["companies.csv", "contacts.csv", "manifest.json"]);
        for f in &only {
            assert_eq!(
                std::fs::read(all.join(f)).unwrap(),
                std::fs::read(some.join(f)).unwrap(),
                "{f}"
            );
        }
        let _ = full;
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
