//! The per-second series of a run as CSV (`simulate --format csv`); the same entries are
//! `series` in the JSON report. Each entry is a [`SecondSample`] (its `second` written as
//! `t_s`): each request attempt counts once, in the second it was made (a call that times
//! out counts as failed in the second it was sent), so over a whole run each column adds up
//! to the run's totals: `offered` to `totals.requests`, `allowed` to
//! `totals.requests - totals.rate_limited`, the others to the total of the same name.

use crate::sim::SecondSample;

/// Column names, in [`SecondSample`]'s field order (its serialized names).
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

/// The series as CSV: a header line, then one row per second.
pub fn to_csv(series: &[SecondSample]) -> Result<String, csv::Error> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn second(t: u64) -> SecondSample {
        SecondSample {
            second: t,
            offered: 10 + t,
            retries: 1,
            allowed: 8,
            rate_limited: 2 + t,
            short_circuited: 1,
            failed: 2,
            failed_over: 3,
            succeeded: 5,
        }
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
