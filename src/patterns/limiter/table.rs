//! The table of a [`KeyedLimiter`](super::KeyedLimiter): each tracked key with its
//! bucket's state, narrow (16 bytes) while the times fit, else wide.

use std::borrow::Borrow;

use hashbrown::HashTable;

use super::gcra::{NarrowState, Slot, State};

/// The keyed limiter's table: 16-byte states while the times fit them
/// ([`fits_narrow`](super::gcra::Params::fits_narrow), practically always), else full
/// 24-byte ones.
#[derive(Debug, Clone)]
pub(super) enum Table<K> {
    /// Every tat below 2^63 ns.
    Narrow(HashTable<(K, NarrowState)>),
    /// Any tat.
    Wide(HashTable<(K, State)>),
}

impl<K> Table<K> {
    /// An empty narrow table.
    pub(super) fn new() -> Self {
        Table::Narrow(HashTable::new())
    }

    /// Every tracked bucket's theoretical arrival time, as [`State::tat`] gives it.
    pub(super) fn tats(&self) -> Vec<(u128, u64)> {
        match self {
            Table::Narrow(t) => t.iter().map(|(_, s)| s.wide().tat()).collect(),
            Table::Wide(t) => t.iter().map(|(_, s)| s.tat()).collect(),
        }
    }

    /// Keys tracked.
    pub(super) fn len(&self) -> usize {
        match self {
            Table::Narrow(t) => t.len(),
            Table::Wide(t) => t.len(),
        }
    }

    /// Tracks `key` (hashed to `hash`, not tracked yet) with state `st`, which must fit a
    /// narrow table if this one is; `rehash` hashes a tracked key when the table grows.
    pub(super) fn insert(&mut self, hash: u64, key: K, st: State, rehash: impl Fn(&K) -> u64) {
        match self {
            Table::Narrow(t) => {
                t.insert_unique(hash, (key, NarrowState::from_wide(st)), |(k, _)| rehash(k));
            }
            Table::Wide(t) => {
                t.insert_unique(hash, (key, st), |(k, _)| rehash(k));
            }
        }
    }

    /// Stores every state wide from now on (`hash` places the keys anew).
    pub(super) fn widen(&mut self, hash: impl Fn(&K) -> u64) {
        if let Table::Narrow(t) = self {
            let mut wide = HashTable::with_capacity(t.len());
            for (k, slot) in t.drain() {
                wide.insert_unique(hash(&k), (k, slot.wide()), |(k, _)| hash(k));
            }
            *self = Table::Wide(wide);
        }
    }

    /// `key`'s state (by its `hash`), if tracked.
    pub(super) fn get<Q: Eq + ?Sized>(&self, hash: u64, key: &Q) -> Option<State>
    where
        K: Borrow<Q>,
    {
        match self {
            Table::Narrow(t) => t
                .find(hash, |(k, _)| k.borrow() == key)
                .map(|(_, s)| s.wide()),
            Table::Wide(t) => t.find(hash, |(k, _)| k.borrow() == key).map(|&(_, s)| s),
        }
    }

    /// Stops tracking `key` (by its `hash`).
    pub(super) fn remove<Q: Eq + ?Sized>(&mut self, hash: u64, key: &Q)
    where
        K: Borrow<Q>,
    {
        match self {
            Table::Narrow(t) => remove_from(t, hash, key),
            Table::Wide(t) => remove_from(t, hash, key),
        }
    }

    /// Keeps the buckets for which `keep` (which may change the state) says so.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&mut State) -> bool) {
        match self {
            Table::Narrow(t) => t.retain(|(_, slot)| slot.update(&mut keep)),
            Table::Wide(t) => t.retain(|(_, st)| keep(st)),
        }
    }
}

/// The slot of `key` (by its `hash`) in `table`, if tracked.
#[inline(always)]
pub(super) fn slot_of<'t, K, Q, S>(
    table: &'t mut HashTable<(K, S)>,
    hash: u64,
    key: &Q,
) -> Option<&'t mut S>
where
    K: Borrow<Q>,
    Q: Eq + ?Sized,
{
    table
        .find_mut(hash, |(k, _)| k.borrow() == key)
        .map(|(_, slot)| slot)
}

/// Removes `key` (by its `hash`) from `table`, if there.
fn remove_from<K, Q, S>(table: &mut HashTable<(K, S)>, hash: u64, key: &Q)
where
    K: Borrow<Q>,
    Q: Eq + ?Sized,
{
    if let Ok(entry) = table.find_entry(hash, |(k, _)| k.borrow() == key) {
        entry.remove();
    }
}
