//! Who may do what: the policy an identity pool's roles usually carry for a per-user bucket
//! (Amplify's "private" access level). A signed-in identity may read, write, delete and list
//! under `private/<its identity id>/` and nowhere else; guests get nothing; the bucket's
//! `public_read_prefixes` (e.g. `public/`) are readable and listable by every identity, guests
//! included. Unsigned requests are refused.

use super::BucketSeed;

/// What a request does to a key or prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// GetObject, HeadObject.
    Read,
    /// PutObject, DeleteObject and the multipart operations.
    Write,
    /// ListObjectsV2, ListMultipartUploads (checked against the `prefix` parameter).
    List,
}

/// The caller of a signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The identity the credentials were issued to.
    pub identity_id: String,
    /// A signed-in user's identity (true) or a guest's (false).
    pub authenticated: bool,
}

/// The prefix an identity owns: `private/<identity id>/`.
pub fn private_prefix(identity_id: &str) -> String {
    format!("private/{identity_id}/")
}

/// Whether `who` may do `access` on `key` (an object key, or the `prefix` of a list request) in
/// `bucket`.
pub fn allows(bucket: &BucketSeed, who: Option<&Principal>, access: Access, key: &str) -> bool {
    let Some(who) = who else { return false };
    if access != Access::Write && bucket.public_read_prefixes.iter().any(|p| key.starts_with(p.as_str())) {
        return true;
    }
    who.authenticated && key.starts_with(&private_prefix(&who.identity_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(public: &[&str]) -> BucketSeed {
        BucketSeed {
            name: "b".into(),
            region: None,
            min_part_size: None,
            public_read_prefixes: public.iter().map(|s| s.to_string()).collect(),
            cors: Vec::new(),
        }
    }

    #[test]
    fn own_prefix_only() {
        let b = bucket(&["public/"]);
        let me = Principal { identity_id: "us-east-1:aa".into(), authenticated: true };
        let guest = Principal { identity_id: "us-east-1:bb".into(), authenticated: false };
        assert!(allows(&b, Some(&me), Access::Write, "private/us-east-1:aa/x.jpg"));
        assert!(allows(&b, Some(&me), Access::List, "private/us-east-1:aa/"));
        assert!(!allows(&b, Some(&me), Access::List, "private/us-east-1:aa"), "prefix without the slash");
        assert!(!allows(&b, Some(&me), Access::Read, "private/us-east-1:aaa/x.jpg"));
        assert!(!allows(&b, Some(&me), Access::Read, "private/us-east-1:cc/x.jpg"));
        assert!(!allows(&b, Some(&me), Access::List, ""));
        assert!(allows(&b, Some(&me), Access::Read, "public/x"));
        assert!(!allows(&b, Some(&me), Access::Write, "public/x"));
        assert!(allows(&b, Some(&guest), Access::Read, "public/x"));
        assert!(!allows(&b, Some(&guest), Access::Write, "private/us-east-1:bb/x"), "guests own nothing");
        assert!(!allows(&b, None, Access::Read, "public/x"), "unsigned requests get nothing");
        assert!(!allows(&bucket(&[]), Some(&guest), Access::Read, "public/x"));
    }
}
