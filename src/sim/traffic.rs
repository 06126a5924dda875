//! Traffic: popularity distributions (uniform, Zipf) sampled in O(1) with an alias table,
//! tenant names and random helpers on the engine's one seeded RNG.

use rand::Rng;
use std::borrow::Cow;

/// How often each item (tenant or key) is picked.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Popularity {
    /// Every item equally likely.
    Uniform,
    /// Item of rank `i` (0-based) has weight `1 / (i + 1)^s`.
    Zipf {
        /// Exponent (finite, ≥ 0; 0 is uniform).
        s: f64,
    },
}

impl Popularity {
    /// Parse `"uniform"`, `"zipf"` (s = 1) or `"zipf:1.2"`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t == "uniform" {
            return Ok(Self::Uniform);
        }
        if t == "zipf" {
            return Ok(Self::Zipf { s: 1.0 });
        }
        if let Some(s) = t.strip_prefix("zipf:") {
            return match s.trim().parse::<f64>() {
                Ok(s) if s.is_finite() && s >= 0.0 => Ok(Self::Zipf { s }),
                _ => Err(format!(
                    "invalid Zipf exponent \"{s}\": expected a finite number ≥ 0, e.g. \"zipf:1.1\""
                )),
            };
        }
        Err(format!(
            "invalid popularity \"{text}\": expected \"uniform\", \"zipf\" or \"zipf:S\" (e.g. \"zipf:1.1\")"
        ))
    }

    /// Human form, parseable by [`Popularity::parse`].
    pub fn describe(&self) -> String {
        match self {
            Self::Uniform => "uniform".to_string(),
            Self::Zipf { s } => format!("zipf:{s}"),
        }
    }
}

impl serde::Serialize for Popularity {
    /// As [`describe`](Self::describe).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.describe())
    }
}

impl<'de> serde::Deserialize<'de> for Popularity {
    /// As [`parse`](Self::parse).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// O(1) sampler over `0..n` (Vose's alias method), built once: 8 bytes an item, none for
/// uniform popularity (every column is then its own pick).
#[derive(Debug, Clone)]
pub struct Sampler {
    /// Number of items.
    n: u32,
    /// Per column: the acceptance threshold (scaled to 2^32) in the low 32 bits, the alias
    /// in the high 32. A column always picked itself has threshold `u32::MAX` and itself
    /// as alias. Empty for uniform popularity.
    table: Vec<u64>,
}

/// A column's table entry: accept `col` when the low 32 random bits are below
/// `threshold` (≤ 2^32), else pick `alias`.
fn entry(col: usize, threshold: u64, alias: usize) -> u64 {
    let (threshold, alias) = if threshold >= 1 << 32 {
        // Certain: a threshold of 2^32 does not fit, so both outcomes are made `col`.
        (u64::from(u32::MAX), col)
    } else {
        (threshold, alias)
    };
    (alias as u64) << 32 | threshold
}

impl Sampler {
    /// A sampler over `n ≥ 1` items with the given popularity.
    pub fn new(n: u32, popularity: Popularity) -> Self {
        let n = n.max(1);
        match popularity {
            Popularity::Uniform => Self {
                n,
                table: Vec::new(),
            },
            Popularity::Zipf { s } => Self {
                n,
                table: alias_table(n as usize, |i| ((i + 1) as f64).powf(-s)),
            },
        }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.n as usize
    }

    /// Always false (a sampler has at least one item).
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Pick an item using one 64-bit random number.
    #[inline]
    pub fn sample_bits(&self, bits: u64) -> u32 {
        let col = (((bits >> 32) * u64::from(self.n)) >> 32) as usize;
        match self.table.get(col) {
            Some(&e) if (bits as u32) >= e as u32 => (e >> 32) as u32,
            _ => col as u32,
        }
    }

    /// Pick an item.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> u32 {
        self.sample_bits(rng.next_u64())
    }
}

/// Vose's alias table over `n` items of weight `weight(i)`, as [`entry`]s, built in place:
/// each slot holds its item's scaled weight (`f64` bits) until the item is settled, and
/// the two work lists share one array (small from the front, large from the back), so
/// building takes 12 bytes an item at its peak.
fn alias_table(n: usize, weight: impl Fn(usize) -> f64) -> Vec<u64> {
    let mut table: Vec<u64> = (0..n).map(|i| weight(i).to_bits()).collect();
    let total: f64 = table.iter().map(|&w| f64::from_bits(w)).sum();
    for w in &mut table {
        *w = (f64::from_bits(*w) * n as f64 / total).to_bits();
    }
    let scaled = |table: &[u64], i: u32| f64::from_bits(table[i as usize]);
    let mut work = vec![0u32; n];
    let (mut small, mut large) = (0usize, 0usize);
    for i in 0..n {
        if scaled(&table, i as u32) < 1.0 {
            work[small] = i as u32;
            small += 1;
        } else {
            large += 1;
            work[n - large] = i as u32;
        }
    }
    while small > 0 && large > 0 {
        let (s, l) = (work[small - 1], work[n - large]);
        small -= 1;
        let ps = scaled(&table, s);
        let pl = scaled(&table, l) - (1.0 - ps);
        table[l as usize] = pl.to_bits();
        let threshold = ((ps * 4_294_967_296.0) as u64).min(1 << 32);
        table[s as usize] = entry(s as usize, threshold, l as usize);
        if pl < 1.0 {
            large -= 1;
            work[small] = l;
            small += 1;
        }
    }
    // Leftovers (rounding) are certain picks.
    for &i in work[..small].iter().chain(&work[n - large..]) {
        table[i as usize] = entry(i as usize, 1 << 32, i as usize);
    }
    table
}

/// A uniform `f64` in `[0, 1)` from 53 random bits.
#[inline]
pub fn unit_f64<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// An exponential inter-arrival time (ns) for a Poisson process of `rate` per second.
#[inline]
pub fn exp_interval_ns<R: Rng + ?Sized>(rng: &mut R, rate: f64) -> u64 {
    let u = 1.0 - unit_f64(rng); // (0, 1]
    let ns = -u.ln() / rate * 1e9;
    (ns as u64).max(1)
}

const TENANT_NAMES: &[&str] = &[
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "stark",
    "wayne",
    "wonka",
    "soylent",
    "cyberdyne",
    "tyrell",
    "aperture",
    "oscorp",
    "vandelay",
    "massive",
    "gringotts",
];

/// Name of request key `i` (`key-0`, `key-1`, …): the key population a scenario's
/// traffic draws from, as hashed onto the ring.
pub fn key_name(i: u32) -> String {
    format!("key-{i}")
}

/// Name of tenant `i`: memorable names for the first few (the most popular under Zipf),
/// then `tenant-N`. Computed, never stored: the engine keeps no name per tenant.
pub fn tenant_name(i: u32) -> Cow<'static, str> {
    match TENANT_NAMES.get(i as usize) {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(format!("tenant-{i}")),
    }
}

/// The index of the tenant named `name` among `tenants` tenants (the inverse of
/// [`tenant_name`]), without building every name.
pub fn tenant_index(name: &str, tenants: u32) -> Option<u32> {
    let i = match TENANT_NAMES.iter().position(|n| *n == name) {
        Some(i) => u32::try_from(i).ok()?,
        None => {
            let digits = name.strip_prefix("tenant-")?;
            let i: u32 = digits.parse().ok()?;
            // Only the canonical form: no sign, no leading zeros, past the named ones.
            (tenant_name(i) == name).then_some(i)?
        }
    };
    (i < tenants).then_some(i)
}

/// The lowest free `server-N` name (N ≥ 1) given a membership test.
pub fn auto_server_name(taken: impl Fn(&str) -> bool) -> String {
    (1u32..)
        .map(|n| format!("server-{n}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| "server".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn zipf_frequencies_follow_weights() {
        let s = Sampler::new(100, Popularity::Zipf { s: 1.0 });
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let mut counts = vec![0u32; 100];
        let n = 400_000;
        for _ in 0..n {
            counts[s.sample(&mut rng) as usize] += 1;
        }
        let h: f64 = (1..=100).map(|i| 1.0 / i as f64).sum();
        for (i, &c) in counts.iter().enumerate().take(5) {
            let expected = n as f64 / ((i + 1) as f64 * h);
            let sd = expected.sqrt();
            assert!(
                (c as f64 - expected).abs() < 5.0 * sd,
                "rank {i}: {c} vs {expected}"
            );
        }
        assert!(counts[0] > counts[1] && counts[1] > counts[9]);
    }

    /// The alias table as first written (separate `f64` work arrays), whose draws the
    /// golden files record: the compact table must pick the same items.
    fn reference_pick(n: usize, s: f64, bits: u64) -> u32 {
        let weights: Vec<f64> = (0..n).map(|i| ((i + 1) as f64).powf(-s)).collect();
        let total: f64 = weights.iter().sum();
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let (mut prob, mut alias) = (vec![1.0f64; n], vec![0u32; n]);
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(&s), Some(&l)) = (small.last(), large.last()) {
            small.pop();
            prob[s] = scaled[s];
            alias[s] = l as u32;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        for i in small.into_iter().chain(large) {
            prob[i] = 1.0;
            alias[i] = i as u32;
        }
        let col = (((bits >> 32) * n as u64) >> 32) as usize;
        let threshold = ((prob[col] * 4_294_967_296.0) as u64).min(1 << 32);
        if (bits & 0xffff_ffff) < threshold {
            col as u32
        } else {
            alias[col]
        }
    }

    #[test]
    fn compact_table_picks_as_the_reference() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        for (n, s) in [
            (1, 1.0),
            (7, 0.0),
            (100, 1.0),
            (1000, 1.3),
            (5000, 0.7),
            (64, 9.0),
        ] {
            let popularity = Popularity::Zipf { s };
            let sampler = Sampler::new(n as u32, popularity);
            for _ in 0..2000 {
                let bits = rng.next_u64();
                assert_eq!(
                    sampler.sample_bits(bits),
                    reference_pick(n, s, bits),
                    "{n} {s}"
                );
            }
            // Uniform is Zipf with s = 0, table-less.
            let uniform = Sampler::new(n as u32, Popularity::Uniform);
            let bits = rng.next_u64();
            assert_eq!(uniform.sample_bits(bits), reference_pick(n, 0.0, bits));
        }
    }

    #[test]
    fn uniform_covers_all() {
        let s = Sampler::new(10, Popularity::Uniform);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            counts[s.sample(&mut rng) as usize] += 1;
        }
        for c in counts {
            assert!((9_000..11_000).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn single_item() {
        let s = Sampler::new(1, Popularity::Zipf { s: 2.0 });
        assert_eq!(s.sample_bits(u64::MAX), 0);
        assert_eq!(s.sample_bits(0), 0);
    }

    #[test]
    fn popularity_parsing() {
        assert_eq!(Popularity::parse("uniform"), Ok(Popularity::Uniform));
        assert_eq!(
            Popularity::parse("zipf:1.5"),
            Ok(Popularity::Zipf { s: 1.5 })
        );
        assert!(Popularity::parse("zipf:-1").is_err());
        assert!(
            Popularity::parse("pareto")
                .unwrap_err()
                .contains("expected")
        );
    }

    #[test]
    fn names() {
        assert_eq!(tenant_name(0), "acme");
        assert_eq!(tenant_name(100), "tenant-100");
        for i in [0, 3, 15, 16, 100] {
            assert_eq!(tenant_index(&tenant_name(i), 101), Some(i));
        }
        assert_eq!(tenant_index("tenant-100", 100), None);
        assert_eq!(
            tenant_index("tenant-3", 100),
            None,
            "tenant 3 is named hooli"
        );
        assert_eq!(tenant_index("tenant-+100", 200), None);
        assert_eq!(tenant_index("tenant-0100", 200), None);
        assert_eq!(tenant_index("nobody", 200), None);
        assert_eq!(auto_server_name(|n| n == "server-1"), "server-2");
    }
}
