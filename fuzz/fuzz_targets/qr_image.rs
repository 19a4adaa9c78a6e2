//! The picture reader: PNG, JPEG, WebP, BMP and TIFF decoding (bounded), then QR detection and decoding.
#![no_main]

use cogauth_core::scan;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(error) = scan::decode_qr_image(data) {
        assert!(!error.to_string().contains('\n'));
    }
});
