//! Where the session is kept: a small key-value interface over Web Storage (in `platform`) or
//! memory (here, for `storage: 'memory'`, for Node, and wherever Web Storage is unavailable).

use crate::prelude::*;

use ::core::cell::RefCell;

use crate::core::error::Result;

/// A string key-value store (the shape of Web Storage).
pub trait Store {
    /// The value under `key`, if any (a storage that cannot be read reads as empty).
    fn get(&self, key: &str) -> Option<String>;
    /// Stores `value` under `key`; `StorageError` when the backend refuses (quota, disabled).
    fn set(&self, key: &str, value: &str) -> Result<()>;
    /// Removes `key` (never fails: a value that cannot be removed cannot be read either).
    fn remove(&self, key: &str);
}

/// A store in memory, lost when the page (or process) goes away.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: RefCell<Vec<(String, String)>>,
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        self.entries
            .borrow()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn set(&self, key: &str, value: &str) -> Result<()> {
        let mut entries = self.entries.borrow_mut();
        match entries.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.to_string(),
            None => entries.push((key.to_string(), value.to_string())),
        }
        Ok(())
    }

    fn remove(&self, key: &str) {
        self.entries.borrow_mut().retain(|(k, _)| k != key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_sets_replaces_and_removes() {
        let s = MemoryStore::default();
        assert_eq!(s.get("a"), None);
        s.set("a", "1").unwrap();
        s.set("b", "2").unwrap();
        s.set("a", "3").unwrap();
        assert_eq!(s.get("a").as_deref(), Some("3"));
        s.remove("a");
        assert_eq!(s.get("a"), None);
        assert_eq!(s.get("b").as_deref(), Some("2"));
    }
}
