//! Headless reports of a simulation run: text for people, JSON for machines.
