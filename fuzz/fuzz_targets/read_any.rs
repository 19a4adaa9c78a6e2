//! `transfer::read` as the CLI and the app call it on a picked file: detection, then whichever
//! format (or the picture reader) claims the bytes. No password: the encrypted formats' key
//! derivation (scrypt, PBKDF2) would spend the run's time; aegis_decrypt covers that path.
#![no_main]

use cogauth_core::transfer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| cogauth_fuzz::check(transfer::read(data, None)));
