//! Durations in nanoseconds, the sim's one time unit: parsed from humane text (`"500ms"`,
//! `"1.5s"`, `"900us"`), formatted for humans, and written back exactly.
//!
//! The parser is hand-written rather than `humantime` because scenarios use decimals
//! (`"1.5s"`), which `humantime` rejects, and because its units include months and years,
//! meaningless on a virtual clock. It works in integers, so every value is exact.

use crate::patterns::Nanos;

/// Units: name, nanoseconds.
const UNITS: &[(&str, u64)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("min", 60_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Parse a humane duration into nanoseconds, exactly.
///
/// A non-negative number (decimals allowed) followed by a unit: `ns`, `us` (or `µs`), `ms`,
/// `s`, `m`, `h`. Digits beyond a nanosecond are refused. Errors say what was expected.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(t.len(), |(i, _)| i);
    let (num, unit) = t.split_at(split);
    let expected =
        "expected a duration like \"500ms\", \"10s\", \"2m\" (units: ns, us, ms, s, m, h)";
    let bad = || format!("invalid duration \"{text}\": {expected}");
    let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.contains('.')
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let scale = match unit.trim() {
        "" => {
            return Err(format!(
                "invalid duration \"{text}\": missing unit; {expected}"
            ));
        }
        u => match UNITS.iter().find(|(name, _)| *name == u) {
            Some(&(_, scale)) => scale,
            None => {
                return Err(format!(
                    "invalid duration \"{text}\": unknown unit \"{u}\"; {expected}"
                ));
            }
        },
    };
    let too_large = || format!("invalid duration \"{text}\": too large");
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_large())?
    };
    // The fraction, in nanoseconds: digits × scale / 10^digits, which must be whole.
    let digits = u32::try_from(frac.len()).map_err(|_| bad())?;
    let frac_ns = if frac.is_empty() {
        0
    } else {
        let den = 10u128.checked_pow(digits).ok_or_else(bad)?;
        let num = frac.parse::<u128>().map_err(|_| bad())? * u128::from(scale);
        if num % den != 0 {
            return Err(format!(
                "invalid duration \"{text}\": finer than a nanosecond"
            ));
        }
        num / den
    };
    let ns = whole
        .checked_mul(u128::from(scale))
        .and_then(|w| w.checked_add(frac_ns))
        .ok_or_else(too_large)?;
    u64::try_from(ns).map_err(|_| too_large())
}

/// Format nanoseconds compactly for humans: `1.250s`, `12ms`, `1.5ms`, `82µs`, `900ns`,
/// `2m05s` ([`Nanos`]' `Display`). Lossy above a microsecond; see [`exact_duration`] for a form that reads back.
pub fn format_duration(ns: u64) -> String {
    Nanos::from_nanos(ns).to_string()
}

/// A duration written for humans and exactly, e.g. `"5s"`, `"3.49s"`, `"1.5ms"`,
/// `"3.489090921s"`, `"2m"`: whole hours or minutes when it is a whole number of them,
/// otherwise the largest of `s`, `ms`, `us`, `ns` that is at most the value, with as many
/// decimals as needed (never rounded). [`parse_duration`] reads it back to the same value.
pub fn exact_duration(ns: u64) -> String {
    const WHOLE: &[(u64, &str)] = &[(3_600_000_000_000, "h"), (60_000_000_000, "m")];
    const DECIMAL: &[(u64, &str, usize)] = &[
        (1_000_000_000, "s", 9),
        (1_000_000, "ms", 6),
        (1_000, "us", 3),
    ];
    if ns == 0 {
        return "0s".to_string();
    }
    if let Some(&(scale, unit)) = WHOLE.iter().find(|(scale, _)| ns.is_multiple_of(*scale)) {
        return format!("{}{unit}", ns / scale);
    }
    let Some(&(scale, unit, digits)) = DECIMAL.iter().find(|(scale, _, _)| ns >= *scale) else {
        return format!("{ns}ns");
    };
    let (whole, frac) = (ns / scale, ns % scale);
    if frac == 0 {
        return format!("{whole}{unit}");
    }
    let frac = format!("{frac:0digits$}");
    format!("{whole}.{}{unit}", frac.trim_end_matches('0'))
}

/// Serde for a duration in nanoseconds written as humane text (`with = "human"`): read by
/// [`parse_duration`], written by [`exact_duration`].
pub mod human {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::sim::duration::{exact_duration, parse_duration};

    /// Write `ns` exactly, e.g. `"1.5s"`.
    pub fn serialize<S: Serializer>(ns: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&exact_duration(*ns))
    }

    /// Read a humane duration.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

/// [`human`] for an optional duration (absent = `None`).
pub mod human_opt {
    use serde::{Deserializer, Serializer};

    use crate::sim::duration::exact_duration;

    /// Write `Some(ns)` exactly (callers skip `None`).
    pub fn serialize<S: Serializer>(ns: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match ns {
            Some(ns) => s.serialize_str(&exact_duration(*ns)),
            None => s.serialize_none(),
        }
    }

    /// Read a humane duration.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        crate::sim::duration::human::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_duration("500ms"), Ok(500_000_000));
        assert_eq!(parse_duration("10s"), Ok(10_000_000_000));
        assert_eq!(parse_duration("2m"), Ok(120_000_000_000));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000_000));
        assert_eq!(parse_duration(" 3us "), Ok(3_000));
        assert_eq!(parse_duration("1h"), Ok(3_600_000_000_000));
        assert_eq!(parse_duration(".5ms"), Ok(500_000));
    }

    #[test]
    fn sub_millisecond_values_are_exact() {
        assert_eq!(parse_duration("900us"), Ok(900_000));
        assert_eq!(parse_duration("999us"), Ok(999_000));
        assert_eq!(parse_duration("999µs"), Ok(999_000));
        assert_eq!(parse_duration("0.1s"), Ok(100_000_000));
        assert_eq!(parse_duration("3489090921ns"), Ok(3_489_090_921));
        assert_eq!(format_duration(900_000), "900µs");
        assert_eq!(format_duration(999_000), "999µs");
        assert_eq!(exact_duration(999_000), "999us");
    }

    #[test]
    fn rejects_bad_input() {
        assert!(parse_duration("10").unwrap_err().contains("missing unit"));
        assert!(
            parse_duration("10 parsecs")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("1.2.3s").is_err());
        assert!(parse_duration("ms").is_err());
        assert!(parse_duration(".s").is_err());
        assert!(parse_duration("1.5ns").unwrap_err().contains("nanosecond"));
        assert!(
            parse_duration("99999999999h")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn formats() {
        assert_eq!(format_duration(1_250_000_000), "1.250s");
        assert_eq!(format_duration(12_000_000), "12ms");
        assert_eq!(format_duration(1_500_000), "1.5ms");
        assert_eq!(format_duration(81_500), "82µs");
        assert_eq!(format_duration(900), "900ns");
        assert_eq!(format_duration(125_000_000_000), "2m05s");
    }

    #[test]
    fn exact_durations_are_human_and_read_back_exactly() {
        assert_eq!(exact_duration(5_000_000_000), "5s");
        assert_eq!(exact_duration(1_500_000_000), "1.5s");
        assert_eq!(exact_duration(3_490_000_000), "3.49s");
        assert_eq!(exact_duration(3_489_090_921), "3.489090921s");
        assert_eq!(exact_duration(120_000_000_000), "2m");
        assert_eq!(exact_duration(125_000_000_000), "125s");
        assert_eq!(exact_duration(1_500_000), "1.5ms");
        assert_eq!(exact_duration(999_000), "999us");
        assert_eq!(exact_duration(81_500), "81.5us");
        assert_eq!(exact_duration(900), "900ns");
        assert_eq!(exact_duration(0), "0s");
        for ns in [
            0,
            1,
            999,
            1_000,
            1_001,
            999_999_999,
            61_000_000_001,
            7_200_000_000_000,
            u64::MAX,
        ] {
            assert_eq!(parse_duration(&exact_duration(ns)), Ok(ns), "{ns}");
        }
    }
}
