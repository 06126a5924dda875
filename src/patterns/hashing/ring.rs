//! The md5 virtual-node ring ([`HashRing`]), indexed like the other algorithms: by a
//! server's position in the member list rather than by [`ServerId`](crate::patterns::ring::ServerId).
//!
//! Replicas: the next distinct servers clockwise, as `ringside ring --replicas` has always
//! printed them.

use crate::patterns::ring::{HashRing, Position, RingBuilder, RingError};

/// A [`HashRing`] built from a member list, so that a server's id is its index in it.
///
/// ```
/// use ringside::patterns::hashing::ring::VnodeRing;
///
/// let servers: Vec<Box<str>> = vec!["a".into(), "b".into()];
/// let ring = VnodeRing::new(&servers, 150)?;
/// assert_eq!(ring.ring().len(), 2);
/// # Ok::<(), ringside::patterns::ring::RingError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct VnodeRing {
    ring: HashRing,
}

impl VnodeRing {
    /// The ring of `servers` (in order: ids are indices) with `vnodes` points each.
    pub fn new(servers: &[Box<str>], vnodes: u32) -> Result<Self, RingError> {
        let mut builder = RingBuilder::new(vnodes)?;
        for server in servers {
            builder.add(server)?;
        }
        Ok(VnodeRing {
            ring: builder.build(),
        })
    }

    /// The wrapped ring.
    pub fn ring(&self) -> &HashRing {
        &self.ring
    }

    /// Up to `n` distinct owners clockwise from `hash`, appended to `out`.
    pub fn owners(&self, hash: Position, n: usize, out: &mut Vec<usize>) {
        out.extend(
            self.ring
                .owners_of_hash(hash, n)
                .map(|(id, _)| id.0 as usize),
        );
    }
}
