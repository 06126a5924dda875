//! The per-second series of a run, as reported by `simulate --format json` (`series`) and
//! `simulate --format csv`.

use serde::Serialize;

use crate::sim::SecondSample;

/// One simulated second of a run. Each request attempt counts once, in the second it was
/// made (a call that times out is counted as failed in the second it was sent), so over a
/// whole run each column adds up to the run's totals: `offered` to `totals.requests`,
/// `retries` to `totals.retries`, `allowed` to `totals.requests - totals.rate_limited`, and
/// the others to the total of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SecondReport {
    /// Start of the second, in seconds of virtual time (0 for the first second, 0 s–1 s).
    pub t_s: u64,
    /// Request attempts made: Poisson arrivals, burst requests and client retries
    /// (`offered = allowed + rate_limited`).
    pub offered: u64,
    /// Attempts that were client retries of an earlier attempt (a subset of `offered`).
    pub retries: u64,
    /// Attempts admitted by their tenant's token bucket
    /// (`allowed = succeeded + short_circuited + failed`).
    pub allowed: u64,
    /// Attempts denied by their tenant's token bucket.
    pub rate_limited: u64,
    /// Admitted attempts that every candidate owner's breaker rejected.
    pub short_circuited: u64,
    /// Admitted attempts that reached a server and failed (refused, overloaded, error or
    /// timeout).
    pub failed: u64,
    /// Attempts that reached a server other than the key's primary owner, because the
    /// owners before it were open (a subset of `succeeded + failed`).
    pub failed_over: u64,
    /// Admitted attempts that reached a server and succeeded.
    pub succeeded: u64,
}

impl From<SecondSample> for SecondReport {
    fn from(s: SecondSample) -> Self {
        Self {
            t_s: s.second,
            offered: s.offered,
            retries: s.retries,
            allowed: s.allowed,
            rate_limited: s.rate_limited,
            short_circuited: s.short_circuited,
            failed: s.failed,
            failed_over: s.failed_over,
            succeeded: s.succeeded,
        }
    }
}

/// The series as CSV: a header line naming the columns of [`SecondReport`], then one row
/// per second.
pub fn to_csv(series: &[SecondReport]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if series.is_empty() {
        // serde writes the header with the first row; an empty run still gets one.
        writer.write_record(HEADER)?;
    }
    for second in series {
        writer.serialize(second)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Column names, in [`SecondReport`]'s field order.
const HEADER: [&str; 9] = [
    "t_s",
    "offered",
    "retries",
    "allowed",
    "rate_limited",
    "short_circuited",
    "failed",
    "failed_over",
    "succeeded",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn second(t: u64) -> SecondReport {
        SecondReport::from(SecondSample {
            second: t,
            offered: 10 + t,
            retries: 1,
            allowed: 8,
            rate_limited: 2 + t,
            short_circuited: 1,
            failed: 2,
            failed_over: 3,
            succeeded: 5,
        })
    }

    #[test]
    fn csv_has_a_header_and_one_row_a_second() {
        let text = to_csv(&[second(0), second(1)]).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], HEADER.join(","));
        assert_eq!(lines[1], "0,10,1,8,2,1,2,3,5");
        assert_eq!(lines[2], "1,11,1,8,3,1,2,3,5");
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn an_empty_series_still_has_its_header() {
        assert_eq!(to_csv(&[]).unwrap(), HEADER.join(",") + "\n");
    }
}
