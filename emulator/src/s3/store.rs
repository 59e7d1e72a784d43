//! Objects: in memory, and — with `--data-dir` — on disk (`s3/index.json` for the metadata,
//! `s3/blobs/<id>` for the bytes), so that a demo keeps its photos across restarts.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Response headers S3 stores with an object when they are sent with PutObject or
/// CreateMultipartUpload, and returns with GetObject / HeadObject.
pub const STORED_HEADERS: [&str; 5] =
    ["cache-control", "content-disposition", "content-encoding", "content-language", "expires"];

/// What S3 keeps about an object besides its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ObjectMeta {
    /// The ETag, quotes included.
    pub etag: String,
    /// Size in bytes.
    pub size: u64,
    /// `Content-Type` (S3's default `binary/octet-stream` when none was sent).
    pub content_type: String,
    /// `x-amz-meta-*` headers, names lower-cased without the prefix.
    pub metadata: BTreeMap<String, String>,
    /// Other stored headers ([`STORED_HEADERS`]).
    pub headers: BTreeMap<String, String>,
    /// Last-modified time, milliseconds since the epoch.
    pub last_modified_ms: i64,
    /// Name of the blob file (data directory only).
    #[serde(default)]
    pub blob: String,
    /// The object's flexible checksum (CRC32 or CRC64NVME), when it was uploaded with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<super::checksum::StoredChecksum>,
}

/// An object: metadata and bytes.
#[derive(Debug, Clone)]
pub struct Object {
    /// Metadata.
    pub meta: ObjectMeta,
    /// The bytes (shared: GETs do not copy under the lock).
    pub data: Arc<Vec<u8>>,
}

/// Every bucket's objects, sorted by key (S3 lists in UTF-8 binary order, which is `String`'s).
#[derive(Debug, Default)]
pub struct Store {
    dir: Option<PathBuf>,
    buckets: BTreeMap<String, BTreeMap<String, Object>>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct Index {
    buckets: BTreeMap<String, BTreeMap<String, ObjectMeta>>,
}

impl Store {
    /// An empty store for `buckets`, persisted under `<data_dir>/s3` when there is a data dir.
    pub fn new<'a>(buckets: impl Iterator<Item = &'a str>, data_dir: Option<&Path>) -> Store {
        Store {
            dir: data_dir.map(|d| d.join("s3")),
            buckets: buckets.map(|b| (b.to_string(), BTreeMap::new())).collect(),
        }
    }

    /// Loads the persisted objects of the store's buckets (objects of buckets no longer in the
    /// seed, and objects whose blob is missing, are skipped).
    pub fn load(&mut self) -> Result<(), String> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let path = dir.join("index.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let index: Index = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for (bucket, objects) in index.buckets {
            let Some(target) = self.buckets.get_mut(&bucket) else { continue };
            for (key, meta) in objects {
                match std::fs::read(dir.join("blobs").join(&meta.blob)) {
                    Ok(data) if data.len() as u64 == meta.size => {
                        target.insert(key, Object { meta, data: Arc::new(data) });
                    }
                    _ => eprintln!("emulator: s3: blob of {bucket}/{key} is missing or truncated; object skipped"),
                }
            }
        }
        Ok(())
    }

    /// Removes every object (and, on disk, every blob).
    pub fn clear(&mut self) {
        for objects in self.buckets.values_mut() {
            objects.clear();
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir.join("blobs"));
            let _ = std::fs::remove_file(dir.join("index.json"));
        }
    }

    /// Whether the store has bucket `name`.
    pub fn has_bucket(&self, name: &str) -> bool {
        self.buckets.contains_key(name)
    }

    /// The object at `key`.
    pub fn get(&self, bucket: &str, key: &str) -> Option<&Object> {
        self.buckets.get(bucket)?.get(key)
    }

    /// Stores an object (replacing any at `key`) and persists it.
    pub fn put(&mut self, bucket: &str, key: &str, mut meta: ObjectMeta, data: Vec<u8>) -> Result<(), String> {
        let objects = self.buckets.get_mut(bucket).ok_or("no such bucket")?;
        if let Some(dir) = &self.dir {
            let blobs = dir.join("blobs");
            std::fs::create_dir_all(&blobs).map_err(|e| format!("cannot create {}: {e}", blobs.display()))?;
            meta.blob = crate::crypto::hex(&crate::crypto::random_bytes(16));
            let tmp = blobs.join(format!("{}.tmp", meta.blob));
            std::fs::write(&tmp, &data).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
            std::fs::rename(&tmp, blobs.join(&meta.blob)).map_err(|e| e.to_string())?;
        }
        let old = objects.insert(key.to_string(), Object { meta, data: Arc::new(data) });
        self.save_index()?;
        if let (Some(dir), Some(old)) = (&self.dir, old) {
            let _ = std::fs::remove_file(dir.join("blobs").join(old.meta.blob));
        }
        Ok(())
    }

    /// Deletes the object at `key` (no error when there is none, as in S3).
    pub fn delete(&mut self, bucket: &str, key: &str) -> Result<(), String> {
        let Some(old) = self.buckets.get_mut(bucket).and_then(|o| o.remove(key)) else { return Ok(()) };
        self.save_index()?;
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_file(dir.join("blobs").join(old.meta.blob));
        }
        Ok(())
    }

    /// The objects of `bucket` whose key starts with `prefix` and sorts after `after`, in order.
    pub fn keys_after<'a>(
        &'a self,
        bucket: &str,
        prefix: &'a str,
        after: &str,
    ) -> impl Iterator<Item = (&'a String, &'a Object)> + 'a {
        use std::ops::Bound;
        let lower = if after.as_bytes() >= prefix.as_bytes() {
            Bound::Excluded(after.to_string())
        } else {
            Bound::Included(prefix.to_string())
        };
        self.buckets
            .get(bucket)
            .into_iter()
            .flat_map(move |o| o.range((lower.clone(), Bound::Unbounded)))
            .take_while(move |(k, _)| k.starts_with(prefix))
    }

    fn save_index(&self) -> Result<(), String> {
        let Some(dir) = &self.dir else { return Ok(()) };
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let index = Index {
            buckets: self
                .buckets
                .iter()
                .map(|(b, o)| (b.clone(), o.iter().map(|(k, v)| (k.clone(), v.meta.clone())).collect()))
                .collect(),
        };
        let text = serde_json::to_string(&index).map_err(|e| e.to_string())?;
        let tmp = dir.join("index.json.tmp");
        std::fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, dir.join("index.json")).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(size: u64) -> ObjectMeta {
        ObjectMeta {
            etag: "\"x\"".into(),
            size,
            content_type: "text/plain".into(),
            metadata: BTreeMap::new(),
            headers: BTreeMap::new(),
            last_modified_ms: 0,
            blob: String::new(),
            checksum: None,
        }
    }

    #[test]
    fn persists_and_reloads() {
        let dir =
            std::env::temp_dir().join(format!("emu-s3-store-{}", crate::crypto::hex(&crate::crypto::random_bytes(6))));
        let mut s = Store::new(["b"].into_iter(), Some(&dir));
        s.put("b", "k1", meta(3), b"abc".to_vec()).unwrap();
        s.put("b", "k2", meta(2), b"de".to_vec()).unwrap();
        s.put("b", "k2", meta(1), b"f".to_vec()).unwrap();
        s.delete("b", "k1").unwrap();
        let mut t = Store::new(["b"].into_iter(), Some(&dir));
        t.load().unwrap();
        assert!(t.get("b", "k1").is_none());
        assert_eq!(t.get("b", "k2").unwrap().data.as_slice(), b"f");
        assert_eq!(
            std::fs::read_dir(dir.join("s3/blobs")).unwrap().count(),
            1,
            "replaced and deleted blobs are removed"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn ranges_by_prefix_and_start() {
        let mut s = Store::new(["b"].into_iter(), None);
        for k in ["a/1", "a/2", "a/3", "b/1"] {
            s.put("b", k, meta(0), Vec::new()).unwrap();
        }
        let keys = |p: &str, a: &str| s.keys_after("b", p, a).map(|(k, _)| k.clone()).collect::<Vec<_>>();
        assert_eq!(keys("a/", ""), ["a/1", "a/2", "a/3"]);
        assert_eq!(keys("a/", "a/1"), ["a/2", "a/3"]);
        assert_eq!(keys("", "a/3"), ["b/1"]);
        assert_eq!(keys("b/", "a/9"), ["b/1"]);
    }
}
