//! A parallel map for staging's per-object and per-column work.
//!
//! Input: jobs and a function. Output: the function's results in job order,
//! whatever thread computed them, so what staging reports never depends on
//! scheduling. Jobs are taken in the order given (callers put the largest
//! first); the calling thread works too.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `f` of every job, on up to `threads` threads, in job order.
pub(crate) fn map<J: Sync, R: Send>(
    threads: usize,
    jobs: &[J],
    f: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    let workers = threads.min(jobs.len());
    if workers <= 1 {
        return jobs.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(jobs.len()));
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(j) = jobs.get(i) else { break };
        let r = f(j);
        done.lock().unwrap_or_else(|e| e.into_inner()).push((i, r));
    };
    std::thread::scope(|s| {
        for _ in 1..workers {
            s.spawn(work);
        }
        // A panic on a worker re-panics when the scope ends, as one here would.
        work();
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|d| d.0);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_job_order() {
        let jobs: Vec<u64> = (0..100).collect();
        let out = super::map(3, &jobs, |&j| {
            // Uneven work so threads finish out of order.
            (0..(100 - j) * 1000).fold(j, |a, x| a ^ x)
                ^ (0..(100 - j) * 1000).fold(0, |a, x| a ^ x)
        });
        assert_eq!(out, jobs);
    }
}
