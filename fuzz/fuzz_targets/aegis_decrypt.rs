//! The encrypted Aegis path after the password: the input is the plaintext database, which the
//! target encrypts into an Aegis vault with a password slot of the lowest cost (scrypt N = 2,
//! r = 1, p = 1, so no run is spent in key derivation), and `transfer::read` opens it with the
//! password: slot, master key, database decryption, then the decrypted JSON's reader.
#![no_main]

use std::sync::OnceLock;

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use cogauth_core::transfer;
use serde_json::{Value, json};

const PASSWORD: &[u8] = b"fuzz";
const MASTER_KEY: [u8; 32] = [7; 32];
const DB_NONCE: [u8; 12] = [9; 12];

fn seal(key: &[u8], nonce: &[u8; 12], plaintext: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let cipher = Aes256Gcm::new_from_slice(key).expect("a 32-byte key");
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached(&Nonce::from(*nonce), &[], buffer.as_mut_slice().into())
        .expect("encryption");
    (buffer, tag.to_vec())
}

/// The vault's header: one cheap password slot holding the master key.
fn header() -> &'static Value {
    static HEADER: OnceLock<Value> = OnceLock::new();
    HEADER.get_or_init(|| {
        let salt = [3u8; 32];
        let params = scrypt::Params::new(1, 1, 1).expect("scrypt parameters");
        let mut derived = [0u8; 32];
        scrypt::scrypt(PASSWORD, &salt, &params, &mut derived).expect("scrypt");
        let key_nonce = [5u8; 12];
        let (key, key_tag) = seal(&derived, &key_nonce, &MASTER_KEY);
        let hex = |b: &[u8]| data_encoding::HEXLOWER.encode(b);
        json!({
            "slots": [{
                "type": 1, "uuid": "00000000-0000-4000-8000-000000000000",
                "key": hex(&key),
                "key_params": {"nonce": hex(&key_nonce), "tag": hex(&key_tag)},
                "n": 2, "r": 1, "p": 1, "salt": hex(&salt),
            }],
        })
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (db, tag) = seal(&MASTER_KEY, &DB_NONCE, data);
    let mut header = header().clone();
    header["params"] = json!({
        "nonce": data_encoding::HEXLOWER.encode(&DB_NONCE),
        "tag": data_encoding::HEXLOWER.encode(&tag),
    });
    let vault = json!({
        "version": 1,
        "header": header,
        "db": data_encoding::BASE64.encode(&db),
    });
    let bytes = serde_json::to_vec(&vault).expect("JSON");
    cogauth_fuzz::check(transfer::read(&bytes, Some(PASSWORD)));
});
