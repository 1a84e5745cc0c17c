//! `ferry run`'s emit phase: bench/contacts.ferry (renames, lower/trim, a
//! value map, a date reformat, a table lookup) over 100,000 staged contacts
//! → payload lines on disk, on one and on two worker threads.
//! Target: ≥ 1,000,000 records/s on one core.
//!
//! The contacts are a generated 600-contact bundle, staged for real and
//! repeated to 100,000 rows. Run: `cargo bench --bench run`.

use criterion::{criterion_group, Criterion, Throughput};
use ferry::emit::{self, Options};
use ferry::plan::Plan;
use ferry::runtime::Dataset;
use std::path::{Path, PathBuf};
use std::time::Duration;

const N: usize = 100_000;

fn plan() -> Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/contacts.ferry");
    let (project, _) = ferry::check::load_project(&path).expect("bench spec readable");
    let registry = ferry::schema::Registry::standard().expect("descriptors");
    let read = ferry::check::reader_beside(&project.main.file.name);
    let (checked, diags) = ferry::check::check(&project, &registry, &read);
    checked
        .unwrap_or_else(|| panic!("bench spec must check: {diags:?}"))
        .plan
}

fn data(plan: &Plan, dir: &Path) -> Dataset {
    let opts = ferry::gen::Options {
        contacts: 600,
        seed: 1,
        messy: false,
    };
    ferry::gen::generate(&opts, dir).expect("bundle");
    let staged = ferry::stage::bundle::stage(plan, dir).unwrap_or_else(|d| panic!("{d:?}"));
    let src = staged.data.table(0).expect("contacts staged");
    let mut big = src.empty_like(N);
    for i in 0..N {
        let row = (i % src.len()) as u32;
        big.push(src.row(row).iter().cloned(), row + 2);
    }
    let mut tables = vec![big];
    tables.extend(staged.data.objects.iter().skip(1).cloned());
    Dataset::new(plan, tables)
}

fn bench(c: &mut Criterion) {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let plan = plan();
    assert_eq!(plan.sources[0].name, "contacts");
    let data = data(&plan, &tmp.join("bench-run-bundle"));
    let out = tmp.join("bench-run-out");
    let mut g = c.benchmark_group("run");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    // The same route into memory (no files): what the route costs on
    // one core without the page cache's share.
    g.bench_function("contacts_route_100k_in_memory", |b| {
        b.iter(|| {
            let (_, lines) = emit::unit_bytes(&plan, &data, 0);
            assert_eq!(lines, N as u64);
        })
    });
    for threads in [1, 2] {
        g.bench_function(format!("contacts_route_100k_{threads}_thread"), |b| {
            b.iter(|| {
                let _ = std::fs::remove_dir_all(&out);
                std::fs::create_dir_all(&out).expect("out");
                let opts = Options {
                    threads,
                    ..Options::default()
                };
                let r = emit::run(&plan, &data, &out, opts, &mut |_| {}).expect("run");
                assert_eq!(r.lines.iter().sum::<u64>(), N as u64);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);

/// User + system CPU seconds of this process, all threads (Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// `FERRY_RUN_PASSES=n cargo bench --bench run` runs n plain passes per
/// thread count and prints records/s by wall clock and by CPU time (on a
/// shared machine the CPU figure is the one to compare with the target).
fn main() {
    if let Some(passes) = std::env::var("FERRY_RUN_PASSES")
        .ok()
        .and_then(|p| p.parse::<u32>().ok())
    {
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let plan = plan();
        let data = data(&plan, &tmp.join("bench-run-bundle"));
        let out = tmp.join("bench-run-out");
        for threads in [1, 2] {
            let (wall, cpu) = (std::time::Instant::now(), cpu_seconds());
            for _ in 0..passes {
                let _ = std::fs::remove_dir_all(&out);
                std::fs::create_dir_all(&out).expect("out");
                let opts = Options {
                    threads,
                    ..Options::default()
                };
                emit::run(&plan, &data, &out, opts, &mut |_| {}).expect("run");
            }
            let records = f64::from(passes) * N as f64;
            let wall = wall.elapsed().as_secs_f64();
            let cpu = cpu.zip(cpu_seconds()).map(|(a, b)| b - a);
            println!(
                "{threads} thread(s): {:.0} records/s wall, {} records/s per CPU second",
                records / wall,
                cpu.map_or("?".into(), |c| format!("{:.0}", records / c)),
            );
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
