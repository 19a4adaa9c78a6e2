//! QR codes from pictures: PNG, JPEG and WebP files rendered here from known texts (with the
//! `qrcode` encoder, an implementation independent of the decoder), several codes in one
//! picture read in reading order, Google Authenticator migration codes, raw RGBA pixels, and
//! hostile pictures (no code, a code with other text, truncated, a header claiming billions of
//! pixels, non-images), each refused with one clear error and nothing added.

use std::io::Cursor;

use cogauth_core::OtpAuthUri;
use cogauth_core::scan::{self, MAX_PIXELS, ScanError};
use cogauth_core::transfer::{self, ImportError, QrSource};
use image::{GrayImage, ImageFormat, Luma, RgbaImage};

use crate::{interop, repo_root};

pub const TOTP: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
pub const HOTP: &str =
    "otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&counter=5";
pub const STEAM: &str =
    "otpauth://steam/Steam:gamer?secret=4SJHB4GSD43FZBAI7C2HLRJGPQ&issuer=Steam";

/// Pixels per module, and the quiet zone in modules, of the rendered codes.
const SCALE: u32 = 4;
const QUIET: u32 = 4;

/// A white canvas with the QR code of each text drawn at its (x, y).
pub fn canvas(width: u32, height: u32, codes: &[(&str, u32, u32)]) -> GrayImage {
    let mut image = GrayImage::from_pixel(width, height, Luma([255]));
    for (text, x0, y0) in codes {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let modules = code.width() as u32;
        for (i, color) in code.to_colors().iter().enumerate() {
            if *color != qrcode::Color::Dark {
                continue;
            }
            let (mx, my) = (i as u32 % modules + QUIET, i as u32 / modules + QUIET);
            for dy in 0..SCALE {
                for dx in 0..SCALE {
                    image.put_pixel(x0 + mx * SCALE + dx, y0 + my * SCALE + dy, Luma([0]));
                }
            }
        }
    }
    image
}

/// The side in pixels of a rendered code, quiet zone included.
pub fn side(text: &str) -> u32 {
    let modules = qrcode::QrCode::new(text.as_bytes()).unwrap().width() as u32;
    (modules + 2 * QUIET) * SCALE
}

/// The codes side by side, in one row.
pub fn row(texts: &[&str]) -> GrayImage {
    let sides: Vec<u32> = texts.iter().map(|t| side(t)).collect();
    let mut x = 0;
    let mut placed = Vec::new();
    for (text, s) in texts.iter().zip(&sides) {
        placed.push((*text, x, 0));
        x += s;
    }
    canvas(x, *sides.iter().max().unwrap(), &placed)
}

pub fn encode(image: &GrayImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    match format {
        // The WebP encoder takes colour only.
        ImageFormat::WebP => image::DynamicImage::ImageLuma8(image.clone())
            .to_rgba8()
            .write_to(&mut out, format)
            .unwrap(),
        _ => image.write_to(&mut out, format).unwrap(),
    }
    out.into_inner()
}

/// A URI as CogAuth writes it (explicit defaults), to compare with what an import gives.
fn normal(uri: &str) -> String {
    OtpAuthUri::parse(uri).unwrap().to_uri().to_string()
}

fn texts(codes: scan::Codes) -> Vec<String> {
    codes.iter().map(|c| c.to_string()).collect()
}

/// The migration URIs of the Google Authenticator example export, and what they decode to.
fn google_example() -> (Vec<String>, Vec<String>) {
    let read = |name: &str| {
        std::fs::read_to_string(interop(&format!("google-migration/{name}")))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    (read("example_export.txt"), read("expected_uris.txt"))
}

#[test]
fn three_codes_in_one_picture_are_read_in_order_from_every_format() {
    let picture = row(&[TOTP, HOTP, STEAM]);
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::WebP,
        ImageFormat::Bmp,
        ImageFormat::Tiff,
    ] {
        let bytes = encode(&picture, format);
        let found = scan::decode_qr_image(&bytes).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(texts(found), [TOTP, HOTP, STEAM], "{format:?}");
    }
}

#[test]
fn codes_in_rows_are_read_row_by_row() {
    let s = side(HOTP);
    let picture = canvas(
        2 * s + 40,
        2 * s + 40,
        &[
            (STEAM, s + 40, s + 45),
            (HOTP, 0, 0),
            (TOTP, s + 30, 6),
            (TOTP, 3, s + 40),
        ],
    );
    let found = scan::decode_qr_image(&encode(&picture, ImageFormat::Png)).unwrap();
    assert_eq!(texts(found), [HOTP, TOTP, TOTP, STEAM]);
}

#[test]
fn a_picture_of_codes_imports_through_transfer_read() {
    let bytes = encode(&row(&[TOTP, HOTP]), ImageFormat::Png);
    let decoded = transfer::read(&bytes, None).unwrap();
    assert_eq!(decoded.format, "qr-image");
    let uris: Vec<String> = decoded
        .accounts
        .iter()
        .map(|a| a.to_uri().to_string())
        .collect();
    assert_eq!(uris, [normal(TOTP), normal(HOTP)]);
}

#[test]
fn google_migration_codes_in_a_picture_give_their_accounts() {
    let (export, expected) = google_example();
    // The example's first payload alone, then all five in one picture (a batch split over
    // several codes, as the phone shows them one after another).
    let one = encode(&row(&[&export[0]]), ImageFormat::Png);
    let decoded = transfer::read(&one, None).unwrap();
    assert_eq!(decoded.accounts[0].to_uri().as_str(), normal(&expected[0]));

    let refs: Vec<&str> = export.iter().map(String::as_str).collect();
    let (first, rest) = refs.split_at(3);
    let s = refs.iter().map(|t| side(t)).max().unwrap();
    let mut placed: Vec<(&str, u32, u32)> = Vec::new();
    for (i, text) in first.iter().enumerate() {
        placed.push((text, i as u32 * s, 0));
    }
    for (i, text) in rest.iter().enumerate() {
        placed.push((text, i as u32 * s, s));
    }
    let picture = canvas(3 * s, 2 * s, &placed);
    let decoded = transfer::read(&encode(&picture, ImageFormat::Png), None).unwrap();
    let uris: Vec<String> = decoded
        .accounts
        .iter()
        .map(|a| a.to_uri().to_string())
        .collect();
    let expected: Vec<String> = expected.iter().map(|u| normal(u)).collect();
    assert_eq!(uris, expected);
}

#[test]
fn light_on_dark_codes_and_transparent_backgrounds_are_read() {
    let mut inverted = row(&[TOTP]);
    image::imageops::invert(&mut inverted);
    let found = scan::decode_qr_image(&encode(&inverted, ImageFormat::Png)).unwrap();
    assert_eq!(texts(found), [TOTP]);

    // Black modules on fully transparent black: read as if on white paper.
    let plain = row(&[HOTP]);
    let rgba = RgbaImage::from_fn(plain.width(), plain.height(), |x, y| {
        let dark = plain.get_pixel(x, y).0[0] == 0;
        image::Rgba([0, 0, 0, if dark { 255 } else { 0 }])
    });
    let mut png = Cursor::new(Vec::new());
    rgba.write_to(&mut png, ImageFormat::Png).unwrap();
    assert_eq!(texts(scan::decode_qr_image(png.get_ref()).unwrap()), [HOTP]);
    assert_eq!(
        texts(scan::decode_qr_rgba(rgba.width(), rgba.height(), rgba.as_raw()).unwrap()),
        [HOTP]
    );
}

#[test]
fn raw_rgba_pixels_are_read_like_a_file() {
    let picture = image::DynamicImage::ImageLuma8(row(&[STEAM, TOTP])).to_rgba8();
    let found = scan::decode_qr_rgba(picture.width(), picture.height(), picture.as_raw()).unwrap();
    assert_eq!(texts(found), [STEAM, TOTP]);
    let decoded = transfer::read_codes(
        QrSource::Screenshot,
        &texts(scan::decode_qr_rgba(picture.width(), picture.height(), picture.as_raw()).unwrap()),
    )
    .unwrap();
    assert_eq!(decoded.format, "screenshot");
    assert_eq!(decoded.accounts.len(), 2);
}

fn image_error(bytes: &[u8]) -> ScanError {
    match transfer::read(bytes, None) {
        Err(ImportError::Image(error)) => {
            assert_eq!(scan::decode_qr_image(bytes).unwrap_err(), error);
            error
        }
        other => panic!("expected an image error, got {other:?}"),
    }
}

#[test]
fn fail_a_picture_without_a_code_is_no_qr_code() {
    let blank = GrayImage::from_pixel(300, 200, Luma([255]));
    let noise = GrayImage::from_fn(300, 200, |x, y| {
        Luma([((x * 7919 + y * 104_729) % 251) as u8])
    });
    for picture in [blank, noise] {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
            let error = image_error(&encode(&picture, format));
            assert_eq!(error.kind(), "no_qr_code", "{format:?}");
            assert_eq!(error.to_string(), "no QR code was found in the picture");
        }
    }
}

#[test]
fn fail_a_code_that_is_not_an_otpauth_uri_names_the_code_and_adds_nothing() {
    let bytes = encode(&row(&[TOTP, "hello"]), ImageFormat::Png);
    let error = transfer::read(&bytes, None).unwrap_err();
    assert_eq!(error.kind(), "invalid_entry");
    assert_eq!(
        error.to_string(),
        "QR code 2: not an otpauth:// or otpauth-migration:// URI"
    );
    let broken = encode(
        &row(&["otpauth://totp/Broken:entry?secret=JBSWY3DPEHPK3PX1"]),
        ImageFormat::Png,
    );
    let error = transfer::read(&broken, None).unwrap_err().to_string();
    assert!(error.starts_with("QR code 1 ('Broken:entry'): "), "{error}");
    assert!(!error.contains("JBSWY3DP"), "{error}");
}

#[test]
fn fail_truncated_and_damaged_pictures_are_invalid_images() {
    let whole = encode(&row(&[TOTP]), ImageFormat::Png);
    for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::WebP] {
        let bytes = encode(&row(&[TOTP]), format);
        for cut in [bytes.len() / 2, 40, 12] {
            let error = image_error(&bytes[..cut]);
            assert!(
                matches!(error.kind(), "invalid_image" | "no_qr_code"),
                "{format:?} cut at {cut}: {error}"
            );
            assert_eq!(error.to_string().lines().count(), 1);
        }
    }
    // A PNG cut in its pixel data is damaged, and says so.
    let error = image_error(&whole[..whole.len() - 30]);
    assert_eq!(error.kind(), "invalid_image", "{error}");
    assert!(
        error
            .to_string()
            .starts_with("the PNG image is damaged or truncated: ")
    );
}

/// A PNG claiming `width` x `height` (signature, IHDR and the start of an IDAT chunk, with
/// correct CRCs), then cut short: the header alone is what the size check may read.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let chunk = |png: &mut Vec<u8>, body: &[u8]| {
        png.extend_from_slice(&(body.len() as u32 - 4).to_be_bytes());
        png.extend_from_slice(body);
        png.extend_from_slice(&crc32(body).to_be_bytes());
    };
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, &ihdr);
    chunk(&mut png, b"IDAT\x78\x9c\x63\x00\x00");
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn fail_a_header_claiming_too_many_pixels_is_refused_before_decoding() {
    for (width, height) in [
        (100_000, 100_000),
        (40_001, 1000),
        (u32::MAX / 2, 2),
        (70_000, 1),
    ] {
        let started = std::time::Instant::now();
        let error = image_error(&png_header(width, height));
        assert_eq!(error.kind(), "image_too_large", "{width}x{height}: {error}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
    let error = image_error(&png_header(100_000, 100_000));
    assert_eq!(
        error.to_string(),
        format!(
            "the image is 100000x100000 pixels; images are limited to {} megapixels and 65535 pixels a side",
            MAX_PIXELS / 1_000_000
        )
    );
    let huge = decode_rgba_claiming(100_000, 1000);
    assert_eq!(huge.kind(), "invalid_image");
}

fn decode_rgba_claiming(width: u32, height: u32) -> ScanError {
    scan::decode_qr_rgba(width, height, &[0; 16]).unwrap_err()
}

#[test]
fn fail_files_too_large_or_not_supported_are_refused_by_their_first_bytes() {
    let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
    big.resize(scan::MAX_IMAGE_BYTES + 1, 0);
    assert_eq!(image_error(&big).kind(), "image_too_large");
    let error = image_error(b"GIF89a\x01\x00\x01\x00");
    assert_eq!(error.kind(), "unsupported_image");
    assert_eq!(
        error.to_string(),
        "GIF images are not supported; save the picture as PNG, JPEG or WebP"
    );
    assert_eq!(
        scan::decode_qr_image(b"otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP").unwrap_err(),
        ScanError::NotAnImage
    );
}

#[test]
fn fail_no_codes_at_all_is_no_qr_code() {
    let none: [&str; 0] = [];
    let error = transfer::read_codes(QrSource::Clipboard, &none).unwrap_err();
    assert_eq!(error.kind(), "no_qr_code");
}

/// Pictures the fuzzer found (tests/fixtures/qr/fail_*): rqrr 0.11.0 asserted that a
/// perspective maps into i32 range, and a degenerate capstone group in each of these broke it
/// (src-tauri/core/vendor/README.md). They must be refused, not crash.
#[test]
fn fail_pictures_that_crashed_the_detector_are_refused() {
    let fixture =
        |name: &str| std::fs::read(repo_root().join("tests/fixtures/qr").join(name)).unwrap();
    let jpeg = fixture("fail_perspective_overflow.jpg");
    let error = scan::decode_qr_image(&jpeg).unwrap_err();
    assert!(
        matches!(error.kind(), "no_qr_code" | "unreadable_qr_code"),
        "{error}"
    );
    assert!(transfer::read(&jpeg, None).is_err());

    // The qr_pixels target's input: the first byte is the width - 1, the rest grey pixels.
    let grey = fixture("fail_perspective_overflow.grey");
    let width = usize::from(grey[0]) + 1;
    let pixels = &grey[1..];
    let height = pixels.len() / width;
    let rgba: Vec<u8> = pixels[..width * height]
        .iter()
        .flat_map(|&v| [v, v, v, 255])
        .collect();
    let error = scan::decode_qr_rgba(width as u32, height as u32, &rgba).unwrap_err();
    assert!(
        matches!(error.kind(), "no_qr_code" | "unreadable_qr_code"),
        "{error}"
    );
}

#[test]
fn a_windows_clipboard_bitmap_becomes_the_bmp_file_it_came_from() {
    // CF_DIB is a BMP file without its 14-byte file header: grey pictures carry a palette,
    // colour ones none, RGBA ones a V4 header with their masks inside.
    let grey = row(&[TOTP]);
    let colour = image::DynamicImage::ImageLuma8(grey.clone());
    for picture in [
        colour.clone(),
        image::DynamicImage::ImageRgb8(colour.to_rgb8()),
        image::DynamicImage::ImageRgba8(colour.to_rgba8()),
    ] {
        let mut file = Cursor::new(Vec::new());
        picture.write_to(&mut file, ImageFormat::Bmp).unwrap();
        let file = file.into_inner();
        let rebuilt = scan::bmp_file_from_dib(&file[14..]).expect("a valid DIB");
        assert_eq!(rebuilt, file, "{:?}", picture.color());
        assert_eq!(texts(scan::decode_qr_image(&rebuilt).unwrap()), [TOTP]);
    }
}

#[test]
fn fail_a_bitmap_header_that_does_not_fit_its_bytes_is_refused() {
    let mut file = Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(row(&[TOTP]))
        .write_to(&mut file, ImageFormat::Bmp)
        .unwrap();
    let dib = file.into_inner()[14..].to_vec();
    assert_eq!(scan::bmp_file_from_dib(&dib[..39]), None, "short header");
    assert_eq!(
        scan::bmp_file_from_dib(&dib[..40 + 100]),
        None,
        "palette cut off"
    );
    let mut huge_header = dib.clone();
    huge_header[..4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(scan::bmp_file_from_dib(&huge_header), None);
    let mut many_colours = dib.clone();
    many_colours[32..36].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(scan::bmp_file_from_dib(&many_colours), None);
}
