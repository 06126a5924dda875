//! Number and time formats shared by the panels.

/// Compact count, at most 6 cells below 10^12: `9999`, `12.3k`, `4.5M`, `1.2G` (one decimal, rounded
/// to nearest; a value that would round up to the next unit is shown in it: `1.0M`, never
/// `1000.0k`).
pub fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_949 => format!("{:.1}k", n as f64 / 1e3),
        999_950..=999_949_999 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}

/// A count with thousands separators: `20,000`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Virtual time, one format at every magnitude: `12.3s` under a minute, `9m30s` under an
/// hour, `1h02m` beyond (truncated, never rounded up past the time it is).
pub fn clock(ns: u64) -> String {
    let whole = ns / 1_000_000_000;
    if whole < 60 {
        // Tenths, truncated so that 59.99 s does not read "60.0s".
        format!("{}.{}s", whole, (ns % 1_000_000_000) / 100_000_000)
    } else if whole < 3_600 {
        format!("{}m{:02}s", whole / 60, whole % 60)
    } else {
        format!("{}h{:02}m", whole / 3_600, whole % 3_600 / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_clock_format() {
        assert_eq!(compact(999), "999");
        assert_eq!(compact(12_345), "12.3k");
        assert_eq!(compact(4_500_000), "4.5M");
        assert_eq!(compact(999_949), "999.9k");
        assert_eq!(compact(999_950), "1.0M");
        assert_eq!(compact(999_949_999), "999.9M");
        assert_eq!(compact(999_950_000), "1.0G");
        assert_eq!(compact(u64::MAX), "18446744073.7G");
        assert_eq!(clock(12_300_000_000), "12.3s");
        assert_eq!(clock(605_000_000_000), "10m05s");
        assert_eq!(clock(59_990_000_000), "59.9s");
        assert_eq!(clock(570_200_000_000), "9m30s");
        assert_eq!(clock(3_720_000_000_000), "1h02m");
        assert_eq!(clock(21_528_000_000_000), "5h58m");
        assert_eq!(compact(15_046_328), "15.0M");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(12_000), "12,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
