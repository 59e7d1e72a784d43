//! Cryptographic randomness from `getrandom`: the OS on the host, `crypto.getRandomValues` in
//! browsers and Node (the `wasm_js` backend).

use super::error::{Error, ErrorCode, Result};

/// Fills `buf` with cryptographically secure random bytes.
pub fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|_| {
        Error::new(ErrorCode::InternalError, "no secure random source (crypto.getRandomValues) is available")
    })
}

/// `N` random bytes.
pub fn bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    fill(&mut b)?;
    Ok(b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_draws_differ() {
        let a = super::bytes::<32>().unwrap();
        let b = super::bytes::<32>().unwrap();
        assert_ne!(a, b);
    }
}
