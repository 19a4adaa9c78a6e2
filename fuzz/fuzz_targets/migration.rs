//! The Google Authenticator migration decoder. The first byte picks the shape: the rest as the
//! protobuf payload (wrapped into `otpauth-migration://offline?data=<base64>`, so that the
//! fuzzer works on the protobuf, not on base64), or as the URI's text after the scheme.
#![no_main]

use cogauth_core::transfer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let text = if mode % 2 == 0 {
        format!(
            "otpauth-migration://offline?data={}",
            data_encoding::BASE64URL_NOPAD.encode(rest)
        )
    } else {
        match std::str::from_utf8(rest) {
            Ok(rest) => format!("otpauth-migration://{rest}"),
            Err(_) => return,
        }
    };
    cogauth_fuzz::check(transfer::read(text.as_bytes(), None));
});
