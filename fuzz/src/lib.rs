//! What the fuzz targets share: reading an input with one named import format, bypassing
//! detection so that the fuzzer reaches the format's parser even when detection would not
//! pick it, and the checks every decoded result must pass.

use cogauth_core::OtpAuthUri;
use cogauth_core::transfer::{self, Decoded, ImportError, Input};

/// Reads `data` with the format named `name` (as `transfer::formats` names it), no password.
pub fn read_format(name: &str, data: &[u8]) {
    let Some(format) = transfer::formats().iter().find(|f| f.name() == name) else {
        panic!("no import format is named {name}");
    };
    let Ok(input) = Input::new(data) else {
        return;
    };
    let _ = format.detect(&input);
    let _ = format.needs_password(&input);
    check(format.read(&input, None));
}

/// Every account read must be one the vault would take and that writes back to the same
/// account; every error must be one line.
pub fn check(result: Result<Decoded, ImportError>) {
    match result {
        Ok(decoded) => {
            for account in &decoded.accounts {
                round_trip(account);
            }
        }
        Err(error) => {
            let message = error.to_string();
            assert!(!message.contains('\n'), "a multi-line error: {message:?}");
            let _ = error.kind();
        }
    }
}

/// `parse(to_uri(uri)) == uri`: what an import gives can be exported and imported again.
pub fn round_trip(uri: &OtpAuthUri) {
    let text = uri.to_uri();
    match OtpAuthUri::parse(&text) {
        Ok(again) => assert!(
            again == *uri,
            "the URI does not round-trip: {}",
            text.as_str()
        ),
        Err(error) => panic!(
            "a written URI does not parse again ({error}): {}",
            text.as_str()
        ),
    }
}
