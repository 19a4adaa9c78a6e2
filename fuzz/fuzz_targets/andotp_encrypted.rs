//! The andotp-encrypted import format's reader, on any bytes (no password).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cogauth_fuzz::read_format("andotp-encrypted", data));
