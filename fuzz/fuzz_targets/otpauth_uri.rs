//! The otpauth:// URI parser: any text parses or is refused, and what parses writes back to
//! a URI that parses to the same account.
#![no_main]

use cogauth_core::OtpAuthUri;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(uri) = OtpAuthUri::parse(text)
    {
        cogauth_fuzz::round_trip(&uri);
    }
});
