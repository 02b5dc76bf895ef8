//! When to try again after a failed refresh or login: exponential backoff with jitter.

use std::time::Duration;

/// The longest wait ever scheduled, whatever a vendor's `Retry-After` says; it also keeps
/// `Instant + wait` far from overflowing.
const LONGEST_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Doubling waits between `initial` and `max`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Backoff {
    pub(crate) initial: Duration,
    pub(crate) max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { initial: Duration::from_secs(1), max: Duration::from_secs(30) }
    }
}

impl Backoff {
    /// The wait after the `failures`-th failure in a row (1 for the first), at least
    /// `retry_after` when the vendor asked for it.
    ///
    /// "Equal jitter": half the step is fixed, half random. Many processes that failed together
    /// spread out, and none comes back sooner than half the step.
    pub(crate) fn delay(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        let step = self.initial.saturating_mul(1 << doublings).min(self.max);
        let half = step / 2;
        let jittered = half + half.mul_f64(fastrand::f64());
        jittered.max(retry_after.unwrap_or_default()).min(LONGEST_WAIT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_within_their_jitter() {
        let backoff = Backoff { initial: Duration::from_secs(1), max: Duration::from_secs(8) };
        for (failures, step) in [(1, 1), (2, 2), (3, 4), (4, 8), (5, 8), (40, 8)] {
            for _ in 0..50 {
                let delay = backoff.delay(failures, None);
                let step = Duration::from_secs(step);
                assert!(delay >= step / 2 && delay <= step, "{failures} failures: {delay:?} not in [{:?}, {step:?}]", step / 2);
            }
        }
        assert_eq!(backoff.delay(1, Some(Duration::from_secs(20))), Duration::from_secs(20));
    }
}
