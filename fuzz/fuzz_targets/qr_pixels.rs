//! The QR detector and decoder on raw pixels, without an image codec in the way: the first
//! byte is the width (1 to 256), the rest grey pixels, row by row (as a clipboard image or a
//! screenshot reaches `scan::decode_qr_rgba`).
#![no_main]

use cogauth_core::scan;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((first, pixels)) = data.split_first() else {
        return;
    };
    let width = usize::from(*first) + 1;
    let height = pixels.len() / width;
    let rgba: Vec<u8> = pixels[..width * height]
        .iter()
        .flat_map(|&grey| [grey, grey, grey, 255])
        .collect();
    let _ = scan::decode_qr_rgba(width as u32, height as u32, &rgba);
});
