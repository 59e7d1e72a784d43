//! Benchmark entry points for `scripts/bench-srp.sh` (cargo feature `bench`, wasm32 only; never
//! part of a release build). They run the real client math of [`SrpClient`].

use crate::prelude::*;

use wasm_bindgen::prelude::*;

use super::montgomery::{self, Element};
use super::SrpClient;

fn js_error(e: crate::Error) -> JsValue {
    JsValue::from_str(&e.message)
}

/// One SRP exchange, client side, as the benchmark page drives it.
#[wasm_bindgen]
pub struct SrpBench {
    client: SrpClient,
}

#[wasm_bindgen]
impl SrpBench {
    /// A client with a fresh random 256-bit `a` (what `SrpClient::new` does; computes A).
    #[wasm_bindgen(js_name = withRandomSecret)]
    pub fn with_random_secret() -> Result<SrpBench, JsValue> {
        Ok(SrpBench {
            client: SrpClient::new().map_err(js_error)?,
        })
    }

    /// A client with a given `a` in hex (computes A).
    #[wasm_bindgen(js_name = withSecretHex)]
    pub fn with_secret_hex(small_a_hex: &str) -> Result<SrpBench, JsValue> {
        Ok(SrpBench {
            client: SrpClient::from_secret_hex(small_a_hex).map_err(js_error)?,
        })
    }

    /// SRP_A, hex.
    #[wasm_bindgen(js_name = srpAHex)]
    pub fn srp_a_hex(&self) -> String {
        self.client.srp_a_hex()
    }

    /// Everything after the server's reply: u, x, g^x, S, HKDF and the claim signature.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = passwordClaimSignature)]
    pub fn password_claim_signature(
        &self,
        pool_name: &str,
        user_id_for_srp: &str,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Result<String, JsValue> {
        self.client
            .password_claim(
                pool_name,
                user_id_for_srp,
                password,
                salt_hex,
                srp_b_hex,
                secret_block_b64,
                timestamp,
            )
            .map(|c| c.signature_b64)
            .map_err(js_error)
    }
}

fn sample() -> Element {
    let bytes: [u8; 384] = core::array::from_fn(|i| (i as u8).wrapping_mul(167).wrapping_add(13));
    Element::from_be_bytes(&bytes).unwrap_or(Element::ZERO)
}

/// Runs `count` Montgomery operations of one kernel and returns a limb so the work is kept:
/// 0 = square, 1 = product (the kernels the SDK uses), 2 = portable square, 3 = portable product.
#[wasm_bindgen(js_name = benchKernel)]
pub fn bench_kernel(kernel: u32, count: u32) -> u32 {
    let y = sample();
    let mut x = montgomery::square_portable(&y);
    for _ in 0..count {
        x = match kernel {
            0 => montgomery::square(&x),
            1 => montgomery::mul(&x, &y),
            2 => montgomery::square_portable(&x),
            _ => montgomery::mul_portable(&x, &y),
        };
    }
    x.limbs()[0]
}
