//! The freeotp import format's reader (FreeOTP's tokens.xml and its Java-serialized encrypted
//! backup), on any bytes (no password: a backup is read up to where the password is needed).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cogauth_fuzz::read_format("freeotp", data));
