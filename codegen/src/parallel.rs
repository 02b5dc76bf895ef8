//! Work spread over the machine's cores, with results in the order of the input.
//!
//! The generator's large steps are maps over independent items: a document's schemas and
//! paths read into `openapiv3`'s model, a module's items printed. [`map_in_order`] runs such a
//! map on one thread per core. Items differ in cost by an order of magnitude (an operation's
//! call against a two-field type), so threads do not take fixed shares: each takes the next
//! run of items until none are left, and the runs are put back in order at the end.

use std::sync::{Mutex, PoisonError};

/// The stack of each helper thread: a main thread's on Linux. Reading a document recurses as
/// deep as its schemas nest, and a deep document must not read on the main thread and
/// overflow a helper's default 2 MiB.
const STACK: usize = 8 << 20;

/// `f` applied to every item, on up to one thread per core, in runs of `run` items; the
/// results in the order of `items`. A panic in `f` is resumed on the calling thread.
pub(crate) fn map_in_order<T: Send, R: Send>(items: Vec<T>, run: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let mut runs = Vec::new();
    let mut items = items.into_iter();
    loop {
        let next: Vec<T> = items.by_ref().take(run.max(1)).collect();
        if next.is_empty() {
            break;
        }
        runs.push(next);
    }
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(runs.len());
    if threads <= 1 {
        return runs.into_iter().flatten().map(f).collect();
    }
    let queue = Mutex::new(runs.into_iter().enumerate());
    let work = || {
        let mut done = Vec::new();
        loop {
            let next = queue.lock().unwrap_or_else(PoisonError::into_inner).next();
            let Some((index, run)) = next else { return done };
            done.push((index, run.into_iter().map(&f).collect::<Vec<R>>()));
        }
    };
    let mut done = std::thread::scope(|scope| {
        // A helper that cannot be started leaves its share to the others.
        let helpers: Vec<_> = (1..threads).filter_map(|_| std::thread::Builder::new().stack_size(STACK).spawn_scoped(scope, work).ok()).collect();
        let mut done = work();
        for helper in helpers {
            match helper.join() {
                Ok(theirs) => done.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().flat_map(|(_, results)| results).collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn results_come_back_in_input_order_whatever_the_run_length() {
        let items: Vec<u64> = (0..1000).collect();
        let expected: Vec<u64> = items.iter().map(|i| i * i).collect();
        for run in [0, 1, 7, 16, 999, 1000, 5000] {
            assert_eq!(map_in_order(items.clone(), run, |i| i * i), expected, "run of {run}");
        }
        assert_eq!(map_in_order(Vec::<u64>::new(), 16, |i| i), Vec::<u64>::new());
    }

    #[test]
    fn a_panic_in_the_map_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| map_in_order((0..100).collect(), 3, |i: u32| assert!(i != 77, "item 77")));
        assert!(caught.is_err());
    }
}
