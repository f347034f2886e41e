//! A token bucket: `burst` tokens, refilled at `per_s` a second. Used for a connection's
//! frames and an address's failed joins. Time comes in from the caller.

use tokio::time::Instant;

/// A token bucket.
#[derive(Debug, Clone)]
pub struct Bucket {
    burst: f64,
    per_s: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn new(burst: f64, per_s: f64, now: Instant) -> Bucket {
        Bucket {
            burst,
            per_s,
            tokens: burst,
            last: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_s).min(self.burst);
        self.last = now;
    }

    /// Tokens available now.
    pub fn available(&mut self, now: Instant) -> f64 {
        self.refill(now);
        self.tokens
    }

    /// Takes a token if there is one; returns whether it did.
    pub fn take(&mut self, now: Instant) -> bool {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Whether the bucket has refilled completely (so it can be forgotten).
    pub fn is_full(&mut self, now: Instant) -> bool {
        self.available(now) >= self.burst
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let start = Instant::now();
        let mut b = Bucket::new(3.0, 2.0, start);
        assert!(b.take(start) && b.take(start) && b.take(start));
        assert!(!b.take(start));
        assert!(!b.take(start + Duration::from_millis(400)));
        assert!(b.take(start + Duration::from_millis(500)));
        assert!(!b.is_full(start + Duration::from_millis(500)));
        assert!(b.is_full(start + Duration::from_secs(10)));
    }
}
