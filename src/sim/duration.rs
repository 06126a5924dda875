//! Humane durations: `"500ms"`, `"10s"`, `"2m"`, `"1.5s"`, `"1h"`.

/// Parse a humane duration into nanoseconds.
///
/// A non-negative number (decimals allowed) followed by a unit: `ns`, `us` (or `µs`), `ms`,
/// `s`, `m`, `h`. Errors say what was expected.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let expected =
        "expected a duration like \"500ms\", \"10s\", \"2m\" (units: ns, us, ms, s, m, h)";
    if num.is_empty() {
        return Err(format!("invalid duration \"{text}\": {expected}"));
    }
    let value: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration \"{text}\": {expected}"))?;
    let scale: f64 = match unit.trim() {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        "" => {
            return Err(format!(
                "invalid duration \"{text}\": missing unit; {expected}"
            ));
        }
        other => {
            return Err(format!(
                "invalid duration \"{text}\": unknown unit \"{other}\"; {expected}"
            ));
        }
    };
    let ns = value * scale;
    if !ns.is_finite() || ns >= u64::MAX as f64 {
        return Err(format!("invalid duration \"{text}\": too large"));
    }
    Ok(ns.round() as u64)
}

/// Format nanoseconds compactly for humans: `1.250s`, `12ms`, `2m05s`.
pub fn format_duration(ns: u64) -> String {
    if ns >= 60_000_000_000 {
        let s = ns / 1_000_000_000;
        format!("{}m{:02}s", s / 60, s % 60)
    } else if ns >= 1_000_000_000 {
        format!("{:.3}s", ns as f64 / 1e9)
    } else if ns >= 1_000_000 {
        format!("{}ms", ns / 1_000_000)
    } else {
        format!("{}µs", ns / 1_000)
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
    }

    #[test]
    fn formats() {
        assert_eq!(format_duration(1_250_000_000), "1.250s");
        assert_eq!(format_duration(12_000_000), "12ms");
        assert_eq!(format_duration(125_000_000_000), "2m05s");
    }
}
